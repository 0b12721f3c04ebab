//! The core's messages as JavaScript errors: a JavaScript `Error` carrying the message's `code`
//! and `params` (see `crate::messages`), with its `message` and `hint` rendered in English as a
//! fallback (with the cargo feature `catalogue`; the page's wasm, built without it, gives the
//! code and its parameters and no hint: the page renders every error from its own catalogue);
//! and a split's failure as the worker sends it back (`{ code, params }`).

use crate::error::AutoMlError;
use crate::message;
use crate::messages::{self, Message};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A JavaScript `Error` for `message`: its `message` and `hint` in English (without the
/// catalogue: the code and its parameters, no hint), and its `code` and `params` for the page
/// to render it from its own catalogue.
pub(super) fn message_error(message: Message) -> JsError {
    let error = JsError::new(&messages::render(&message));
    // a clone of a JsError refers to the same JavaScript object
    let object: JsValue = error.clone().into();
    let params = message
        .params
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|_| js_sys::Object::new().into());
    let hint = messages::hint(&message).unwrap_or_default();
    let _ = js_sys::Reflect::set(&object, &"code".into(), &message.code.as_str().into());
    let _ = js_sys::Reflect::set(&object, &"params".into(), &params);
    let _ = js_sys::Reflect::set(&object, &"hint".into(), &hint.into());
    error
}

/// The core's error as a JavaScript `Error`.
pub(super) fn into_error(e: AutoMlError) -> JsError {
    message_error(e.to_message())
}

/// An error the engine's own parts caused (not the person's data).
pub(super) fn internal(reason: Message) -> JsError {
    into_error(AutoMlError::Internal { reason })
}

/// A split's failure as the worker reports it: the core's `{ code, params }` (anything else,
/// such as a bare string, becomes an internal failure naming it).
pub(super) fn failure_from_js(error: JsValue) -> Message {
    serde_wasm_bindgen::from_value(error.clone()).unwrap_or_else(|_| {
        let detail = error.as_string().unwrap_or_else(|| format!("{error:?}"));
        AutoMlError::Internal {
            reason: message!("internal.split_failure", detail),
        }
        .to_message()
    })
}
