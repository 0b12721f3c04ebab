//! `automl predict MODEL DATA`: predictions for new rows from a model file.

use super::*;

pub(crate) fn cmd_predict(args: &[String]) -> Result<(), CliError> {
    let (mut files, mut out_path, mut read) = (Vec::new(), None, ReadOptions::default());
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let mut value = || flag_value(args, &mut i).cloned();
        match arg {
            "--out" => out_path = Some(value()?),
            "--sheet" => read.sheet = Some(value()?),
            "--encoding" => read.encoding = Some(parse_encoding(&value()?)?),
            flag if flag.starts_with("--") => {
                return Err(usage_error(message!("cli.unknown_option", flag)))
            }
            file => files.push(file.to_string()),
        }
        i += 1;
    }
    let [model_path, data_path] = files.as_slice() else {
        return Err(usage_error(message!("cli.predict_needs_files")));
    };
    let model_bytes = read_file(model_path)?;
    if automl::results::model_file::kind_of(&model_bytes)
        == Some(automl::results::model_file::FileKind::Forecast)
    {
        let table = load(data_path, &read)?;
        return forecast::predict_forecast(
            &model_bytes,
            &file_name(model_path),
            &table,
            &file_name(data_path),
            out_path,
        );
    }
    let model = automl::results::model_file::load(&model_bytes, &file_name(model_path))?;
    let table = load(data_path, &read)?;
    let name = file_name(data_path);
    let predictions = model
        .predict_table(&table)
        .map_err(|e| CliError::from(e).in_file(&name))?;
    for note in &predictions.notes {
        eprintln!("note: {}", note_text(note));
    }
    if let Some(score) = &predictions.score {
        eprintln!(
            "{}",
            note_text(&message!(
                "predict.file_score",
                file = name,
                metric = score.metric.label(),
                value = score.value,
                rows = score.rows,
                skipped = score.skipped
            ))
        );
    }
    let csv = automl::results::predict::predictions_csv(&predictions);
    write_csv(csv, out_path)
}

/// A CSV the command made (predictions, a forecast): to the `--out` file, or to standard output
/// without the byte-order mark meant for Excel (on a terminal or in a pipe).
pub(crate) fn write_csv(csv: String, out_path: Option<String>) -> Result<(), CliError> {
    match out_path {
        Some(path) => std::fs::write(&path, csv).map_err(|e| {
            CliError::from(message!(
                "cli.cannot_write_predictions",
                path,
                detail = e.to_string()
            ))
        })?,
        None => {
            let text = csv.strip_prefix(automl::data::CSV_BOM).unwrap_or(&csv);
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    Ok(())
}
