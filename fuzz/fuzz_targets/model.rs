//! Fuzz target: arbitrary bytes loaded as a model file, both through `load` (header, length,
//! checksum) and as a bare JSON body (`ModelFile::from_json`, past the checksum, so mutations
//! reach the model's own checks); a model that loads then predicts and explains a tiny table.
//! No panic; a loaded model gives one prediction per row, and its explanation adds up.
#![no_main]

use automl::results::model_file::{load, ModelFile};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fn exercise(model: &ModelFile) {
    let cells = ["1.5", "a", "", "-3", "2024-01-02", "yes"];
    let rows: Vec<BTreeMap<String, String>> = (0..3)
        .map(|r| {
            model
                .pipeline
                .specs
                .iter()
                .enumerate()
                .map(|(c, s)| (s.name.clone(), cells[(r + c) % cells.len()].to_string()))
                .collect()
        })
        .collect();
    if let Ok(p) = model.predict_rows(&rows) {
        assert_eq!(p.rows.len(), rows.len());
    }
    if let Ok(e) = automl::results::contributions::explain_row(model, &rows[0]) {
        assert_eq!(e.contributions.len(), model.pipeline.specs.len());
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = load(data, "fuzz.automl") {
        exercise(&model);
    }
    if let Ok(model) = ModelFile::from_json(data, "fuzz.json") {
        exercise(&model);
    }
});
