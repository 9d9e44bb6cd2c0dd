-- Argo CD health of Palisade's policies (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy)
-- and of PolicySource, from the kstatus conditions the operator writes: Ready, Reconciling,
-- Stalled, each with observedGeneration, and status.observedGeneration.
-- Argo CD runs this with the object as `obj` and reads `hs.status` and `hs.message`.
local hs = {}

local function describe(c)
  if c.message ~= nil and c.message ~= "" then
    return c.reason .. ": " .. c.message
  end
  return c.reason
end

if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = obj.kind .. " is suspended: nothing is synced, what was applied stays"
  return hs
end

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "waiting for Palisade to report status"
  return hs
end

local conditions = {}
for _, c in ipairs(obj.status.conditions) do
  conditions[c.type] = c
end

-- kstatus: a generation the controller has not looked at yet says nothing about the object.
local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if conditions.Ready ~= nil and conditions.Ready.observedGeneration ~= nil then
  observed = conditions.Ready.observedGeneration
end
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "generation " .. generation .. " is not observed yet"
  return hs
end

-- Stalled: a human must act (an invalid policy, L7 rules no proxy enforces, a quarantined
-- document, a refused signature or prune).
local ready = conditions.Ready
if conditions.Stalled ~= nil and conditions.Stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(conditions.Stalled)
  if ready ~= nil and ready.status == "False" and ready.reason ~= conditions.Stalled.reason then
    -- LastGoodKept: Ready says what stays in force, Stalled says what is wrong.
    hs.message = describe(ready) .. ": " .. conditions.Stalled.message
  end
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready)
  return hs
end
if ready ~= nil and ready.status == "False" then
  -- Not ready and not merely on its way (a failed fetch retried at the interval): as Argo CD's
  -- own check of Flux sources, this is Degraded.
  hs.status = "Degraded"
  hs.message = describe(ready)
  return hs
end

hs.status = "Progressing"
if ready ~= nil then
  hs.message = describe(ready)
elseif conditions.Reconciling ~= nil then
  hs.message = describe(conditions.Reconciling)
else
  hs.message = "waiting for Palisade to report readiness"
end
return hs
