use super::kinds::name_words;
use super::*;
use crate::target::check_target;

fn read(text: &str) -> Result<Table> {
    read_csv(text.as_bytes(), "t.csv")
}

fn col(v: &[&str]) -> ColumnStats {
    column_stats(&v.iter().collect::<TextColumn>())
}

#[test]
fn reads_quoted_fields_bom_crlf_and_semicolons() {
    let t = read("\u{feff}a;b;c\r\n1;\"x;y\";2,5\r\n3;\"line\nbreak\";4\r\n\r\n").unwrap();
    assert_eq!(t.names, ["a", "b", "c"]);
    assert_eq!(
        t.columns[1].iter().collect::<Vec<_>>(),
        ["x;y", "line\nbreak"]
    );
    assert_eq!(t.n_rows(), 2);
}

#[test]
fn detects_tabs_and_pipes_and_prefers_consistent_splits() {
    assert_eq!(read("a\tb\n1,5\t2\n").unwrap().names, ["a", "b"]);
    assert_eq!(read("a|b|c\n1|2|3\n").unwrap().names, ["a", "b", "c"]);
    // commas inside a semicolon file's numbers do not win
    let t = read("x;y\n1,5;2,5\n3,25;4\n").unwrap();
    assert_eq!(t.names, ["x", "y"]);
}

#[test]
fn ragged_row_names_the_line() {
    let e = read("a,b\n1,2\n3\n").unwrap_err();
    assert_eq!(
        e,
        AutoMlError::RaggedRow {
            file: "t.csv".into(),
            line: 3,
            found: 1,
            expected: 2
        }
    );
}

#[test]
fn empty_header_only_binary_and_duplicate_names_are_refused() {
    assert!(matches!(
        read("").unwrap_err(),
        AutoMlError::EmptyFile { .. }
    ));
    assert!(matches!(
        read("a,b\n").unwrap_err(),
        AutoMlError::NoDataRows { .. }
    ));
    assert!(matches!(
        read_csv(&[0, 1, 2, 3, 0, 159, 146, 150], "x.bin").unwrap_err(),
        AutoMlError::NotText { .. }
    ));
    assert!(matches!(
        read("a,a\n1,2\n").unwrap_err(),
        AutoMlError::DuplicateColumn { .. }
    ));
    let t = read("a,,c\n1,2,3\n").unwrap();
    assert_eq!(t.names, ["a", "column_2", "c"]);
}

#[test]
fn windows_1252_and_utf16_decode_with_a_note() {
    let t = read_csv(b"name,v\ncaf\xe9 \x80,1\n", "l.csv").unwrap();
    assert_eq!(t.columns[0].get(0), "café €");
    assert!(t.notes[0].to_string().contains("Windows-1252"));
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "a,b\n1,2\n".encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let t = read_csv(&utf16, "u.csv").unwrap();
    assert_eq!(
        (t.names.clone(), t.columns[1].get(0)),
        (vec!["a".to_string(), "b".to_string()], "2")
    );
}

#[test]
fn column_kinds() {
    assert_eq!(col(&["1.5", "2", "NA", "3"]).kind, ColumnKind::Numeric);
    assert_eq!(col(&["1.5", "2", "NA", "3"]).missing, 1);
    assert_eq!(col(&["a", "b", "a", "?"]).kind, ColumnKind::Categorical);
    assert_eq!(col(&["a", "a", ""]).kind, ColumnKind::Constant);
    assert_eq!(col(&["", "NA"]).kind, ColumnKind::Constant);
    assert_eq!(col(&["yes", "no", "Yes"]).kind, ColumnKind::Categorical); // three spellings
    assert_eq!(col(&["yes", "no", "no"]).kind, ColumnKind::Boolean);
    assert_eq!(col(&["0", "1", "1"]).kind, ColumnKind::Boolean);
    let ids: Vec<String> = (1..=30).map(|i| i.to_string()).collect();
    assert_eq!(
        column_stats(&ids.iter().collect()).kind,
        ColumnKind::Identifier
    );
    let names: Vec<String> = (1..=30).map(|i| format!("name{i}")).collect();
    assert_eq!(
        column_stats(&names.iter().collect()).kind,
        ColumnKind::Identifier
    );
    let text: Vec<String> = (1..=30)
        .map(|i| format!("this is a long free text sentence number {i}"))
        .collect();
    assert_eq!(column_stats(&text.iter().collect()).kind, ColumnKind::Text);
    let inf = col(&["1", "inf", "2"]);
    assert_eq!(
        (inf.kind, inf.missing, inf.infinite),
        (ColumnKind::Numeric, 1, 1)
    );
    let dates = col(&["2024-01-05", "2024-02-05", "NA", "2023-12-31"]);
    assert_eq!(
        (dates.kind, dates.date_format),
        (ColumnKind::Datetime, Some(DateFormat::Iso))
    );
    let months = col(&["1949-01", "1949-02", "1949-03"]);
    assert_eq!(months.date_format, Some(DateFormat::YearMonth));
    let dmy = col(&["13/02/2024", "01/03/2024"]);
    assert_eq!(dmy.date_format, Some(DateFormat::DayFirst));
    let mdy = col(&["02/03/2024", "01/03/2024"]);
    assert_eq!(
        (mdy.date_format, mdy.date_ambiguous),
        (Some(DateFormat::MonthFirst), true)
    );
}

#[test]
fn names_tell_identifiers_and_years() {
    assert_eq!(name_words("CustomerId"), ["customer", "id"]);
    assert_eq!(name_words("hospital_number"), ["hospital", "number"]);
    assert_eq!(name_words("paid"), ["paid"]);
    let scattered: TextColumn = (0..30).map(|i| (1000 + i * 37).to_string()).collect();
    assert_eq!(
        classify("CustomerId", &scattered).kind,
        ColumnKind::Identifier
    );
    assert_eq!(classify("paid", &scattered).kind, ColumnKind::Numeric);
    let years: TextColumn = (1700..1730).map(|y| y.to_string()).collect();
    let s = classify("Year", &years);
    assert_eq!(
        (s.kind, s.date_format),
        (ColumnKind::Datetime, Some(DateFormat::Year))
    );
    assert_eq!(classify("count", &years).kind, ColumnKind::Identifier);
}

#[test]
fn numbers_with_separators_when_the_whole_column_agrees() {
    let s = col(&["1,234.5", "12", "3,000"]);
    assert_eq!(
        (s.kind, s.number_format),
        (ColumnKind::Numeric, NumberFormat::ThousandsComma)
    );
    let s = col(&["3,14", "2,5", "10"]);
    assert_eq!(
        (s.kind, s.number_format),
        (ColumnKind::Numeric, NumberFormat::DecimalComma)
    );
    let s = col(&["1.234,5", "7,25"]);
    assert_eq!(s.number_format, NumberFormat::DecimalComma);
    assert_eq!(col(&["3,14", "abc"]).kind, ColumnKind::Categorical);
}

#[test]
fn suggested_tasks_ask_about_few_whole_numbers() {
    assert_eq!(
        suggested_task(&col(&["0", "1", "1", "0"])).0,
        Task::Classification
    );
    assert_eq!(
        suggested_task(&col(&["0.5", "1", "1", "0"])),
        (Task::Regression, None)
    );
    assert_eq!(
        suggested_task(&col(&["yes", "no"])),
        (Task::Classification, None)
    );
    let (task, question) = suggested_task(&col(&["3", "4", "5", "6", "7"]));
    assert_eq!(task, Task::Classification);
    assert!(question
        .unwrap()
        .to_string()
        .contains("5 different whole numbers (3–7)"));
}

#[test]
fn profile_counts_duplicates_and_draws_histograms() {
    let t = read("x,c\n1,a\n2,b\n1,a\n4,a\n").unwrap();
    let ins = inspect(&t);
    assert_eq!(ins.duplicate_rows, 1);
    assert_eq!(ins.warnings.len(), 1);
    let bars = &ins.columns[1].histogram;
    assert_eq!((bars[0].label.as_str(), bars[0].count), ("a", 3));
    let total: usize = ins.columns[0].histogram.iter().map(|b| b.count).sum();
    assert_eq!(total, 4);
}

#[test]
fn leakage_and_imbalance_warnings() {
    let mut text = String::from("leak,noise,y\n");
    for i in 0..100 {
        let y = if i % 10 == 0 { "rare" } else { "common" };
        text.push_str(&format!(
            "{},{},{y}\n",
            if y == "rare" { "A" } else { "B" },
            (i * 37) % 11
        ));
    }
    let t = read(&text).unwrap();
    let schema = detect_schema(&t);
    let check = check_target(&t, 2, Task::Classification, &schema);
    assert!(
        check
            .warnings
            .iter()
            .any(|w| w.to_string().contains("\"leak\" alone predicts")),
        "{:?}",
        check.warnings
    );
    assert!(
        !check
            .warnings
            .iter()
            .any(|w| w.to_string().contains("\"noise\"")),
        "{:?}",
        check.warnings
    );
    assert!(
        check
            .warnings
            .iter()
            .any(|w| w.to_string().contains("imbalanced")),
        "{:?}",
        check.warnings
    );
    assert_eq!(check.class_counts[0].count, 90);
}

#[test]
fn target_checks_say_what_the_run_would_refuse() {
    let t = read("x,name\n1,a\n2,b\n3,c\n4,d\n5,e\n6,f\n7,g\n8,h\n9,i\n10,j\n11,k\n").unwrap();
    let check = check_target(&t, 1, Task::Regression, &detect_schema(&t));
    assert!(
        check.warnings[0]
            .to_string()
            .contains("\"a\", which is not a number"),
        "{:?}",
        check.warnings
    );
    // many classes of one row each: no imbalance warning, but the single-row classes
    let check = check_target(&t, 1, Task::Classification, &detect_schema(&t));
    assert_eq!(check.warnings.len(), 1, "{:?}", check.warnings);
    assert!(
        check.warnings[0]
            .to_string()
            .contains("occur on a single row"),
        "{:?}",
        check.warnings
    );
}

#[test]
fn few_numbers_are_listed_in_their_order() {
    let t = read("k,y\n3,a\n1,b\n3,a\n2,b\n3,a\n").unwrap();
    let labels: Vec<String> = inspect(&t).columns[0]
        .histogram
        .iter()
        .map(|b| b.label.clone())
        .collect();
    assert_eq!(labels, ["1", "2", "3"]);
}
