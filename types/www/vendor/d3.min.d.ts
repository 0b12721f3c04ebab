// Stands for www/vendor/d3.min.js, the D3 modules the charts use (scripts/vendor-d3.mjs, run by
// scripts/build-wasm.sh), in the type check: types/www/ is one of tsconfig.json's rootDirs, so
// charts.js's `import "./vendor/d3.min.js"` finds this file and tsc never reads the minified
// bundle. The import only runs the modules, which add to globalThis.d3; charts.js gives that the
// types of DefinitelyTyped's @types/d3 (the version of the `d3` package).
export {};
