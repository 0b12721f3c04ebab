// Stands for www/vendor/d3.min.js, D3's single-file bundle (copied from node_modules by
// scripts/build-wasm.sh), in the type check: types/www/ is one of tsconfig.json's rootDirs, so
// charts.js's `import "./vendor/d3.min.js"` finds this file and tsc never reads the minified
// bundle. The import only runs the bundle, which sets globalThis.d3; charts.js gives that the
// types of DefinitelyTyped's @types/d3 (the version of the `d3` package).
export {};
