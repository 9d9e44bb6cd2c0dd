import { defineConfig } from "vite";

// Relative asset URLs: the page is served under /ui/ by standalone mode and by the operator.
export default defineConfig({
  root: "src/page",
  base: "./",
  build: { outDir: "../../target/page", emptyOutDir: true, assetsInlineLimit: 0 },
  test: { root: ".", include: ["src/test/ts/**/*.test.ts"] },
});
