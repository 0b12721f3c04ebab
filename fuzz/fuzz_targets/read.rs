//! Fuzz target: arbitrary bytes through `read_csv` and `inspect`. Either is allowed to refuse
//! the bytes with an error; neither may panic, hang or describe a table inconsistently.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = automl::read_csv(data, "fuzz.csv") else {
        return;
    };
    let ins = automl::inspect(&table);
    assert_eq!(ins.n_cols, table.names.len());
    assert_eq!(ins.columns.len(), ins.n_cols);
    assert!(ins.n_rows > 0, "a table without rows must be an error");
    assert!(table.columns.iter().all(|c| c.len() == ins.n_rows));
    assert!(ins.preview.iter().all(|row| row.len() == ins.n_cols));
    assert!(ins.default_target < ins.n_cols);
});
