//! The bindings of the page's second wasm, the workbook reader (`www/pkg/workbook_bg.wasm`,
//! built with the cargo feature `workbook-engine`): one export, `read_workbook_image`, which
//! reads a sheet of an Excel or OpenDocument workbook and returns its table image
//! (`crate::data::image`) for the main wasm, built without the workbook reader, to read.
//! Nothing else of the core is reachable from here, so the build links only the reader.
//! Errors are the core's, as JavaScript errors exactly like the main wasm's (`code`, `params`,
//! English `message` and `hint`).

use crate::data::{image::write_image, read_table, ReadOptions};
use crate::message;
use errors::{into_error, message_error};
use wasm_bindgen::prelude::*;

#[path = "bindings/errors.rs"]
#[allow(dead_code)]
mod errors;

/// Installs the panic hook so a Rust panic is logged with its message before the trap.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Reads the sheet `options.sheet` (the first by default) of the workbook `bytes` called
/// `file_name`, and returns its table image.
#[wasm_bindgen]
pub fn read_workbook_image(
    bytes: &[u8],
    file_name: &str,
    options: JsValue,
) -> Result<Vec<u8>, JsError> {
    let options: ReadOptions = if options.is_undefined() || options.is_null() {
        ReadOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options)
            .map_err(|e| message_error(message!("input.read_options", detail = e.to_string())))?
    };
    let table = read_table(bytes, file_name, &options, &mut |_| {}).map_err(into_error)?;
    Ok(write_image(&table))
}
