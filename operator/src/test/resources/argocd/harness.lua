-- Runs an Argo CD health script as Argo CD does (gopher-lua, Lua 5.1): the object as the global
-- `obj`, the script as a chunk whose return value is `hs`; then checks `hs` as Argo CD does and
-- prints its status and message on two lines.
-- usage: lua5.1 harness.lua HEALTH_SCRIPT OBJECT_FILE (a Lua file returning the object's table)
local script, object = arg[1], arg[2]
obj = dofile(object)
local chunk = assert(loadfile(script))
local hs = chunk()
if type(hs) ~= "table" then
  error("the health script returned " .. type(hs) .. ", not a table")
end
local known = { Healthy = true, Progressing = true, Degraded = true, Suspended = true,
  Missing = true, Unknown = true }
if not known[hs.status] then
  error("the health script returned status " .. tostring(hs.status) .. ", which Argo CD does not know")
end
io.write(hs.status, "\n", hs.message or "", "\n")
