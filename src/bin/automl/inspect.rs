//! `automl inspect DATA`: the columns, their kinds and the task each target suggests.

use super::*;

pub(crate) fn cmd_inspect(args: &[String]) -> Result<(), CliError> {
    let mut path = None;
    let (mut read, mut target, mut task) = (ReadOptions::default(), None, None);
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let mut value = || flag_value(args, &mut i).cloned();
        match arg {
            "--sheet" => read.sheet = Some(value()?),
            "--encoding" => read.encoding = Some(parse_encoding(&value()?)?),
            "--target" => target = Some(value()?),
            "--task" => task = Some(Task::parse(&value()?)?),
            flag if flag.starts_with("--") => {
                return Err(usage_error(message!("cli.unknown_option", flag)))
            }
            file => {
                if path.replace(file.to_string()).is_some() {
                    return Err(usage_error(message!("cli.inspect_one_file")));
                }
            }
        }
        i += 1;
    }
    let path = path.ok_or_else(|| usage_error(message!("cli.inspect_needs_file")))?;
    let table = load(&path, &read)?;
    let ins = inspect(&table);
    let mut out = std::io::stdout().lock();
    let sheet_text = ins
        .sheet
        .as_ref()
        .map(|s| format!(" (sheet \"{s}\" of {})", ins.sheets.len()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{sheet_text}: {} rows × {} columns",
        printable(&ins.file_name),
        ins.n_rows,
        ins.n_cols
    );
    for c in &ins.columns {
        let ask = if c.task_question.is_some() {
            " (ask)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:<28} {:<12} missing {:>6}  distinct {:>6}  as target: {}{ask}",
            printable(&c.name),
            c.kind.name(),
            c.missing,
            c.distinct,
            c.suggested_task.name()
        );
    }
    for note in &ins.notes {
        let _ = writeln!(out, "note: {}", note_text(note));
    }
    for warning in &ins.warnings {
        let _ = writeln!(out, "warning: {}", note_text(warning));
    }
    if let Some(name) = target {
        let col = table.column_index(&name)?;
        let info = &ins.columns[col];
        let task = task.unwrap_or(info.suggested_task);
        if let (Some(q), None) = (&info.task_question, &task_given(args)) {
            let _ = writeln!(
                out,
                "question: {} (assumed {}; choose with --task)",
                note_text(q),
                task.name()
            );
        }
        let check = check_target(&table, col, task, &automl::data::detect_schema(&table));
        for bar in &check.class_counts {
            let _ = writeln!(out, "  class {:<24} {:>8} rows", bar.label, bar.count);
        }
        for warning in &check.warnings {
            let _ = writeln!(out, "warning: {}", note_text(warning));
        }
    }
    Ok(())
}

fn task_given(args: &[String]) -> Option<()> {
    args.iter().any(|a| a == "--task").then_some(())
}
