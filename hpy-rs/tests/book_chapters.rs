//! Every chapter the book's SUMMARY.md lists is compiled as a doctest (`src/book_tests.rs`), so
//! a new chapter's Rust blocks can't go unchecked.

#[test]
fn every_chapter_is_a_doctest() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let summary = std::fs::read_to_string(format!("{root}/book/src/SUMMARY.md")).unwrap();
    let tests = std::fs::read_to_string(format!("{root}/hpy-rs/src/book_tests.rs")).unwrap();
    let chapters: Vec<&str> = summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|f| f.ends_with(".md"))
        .collect();
    assert!(chapters.len() >= 10, "{chapters:?}");
    for chapter in chapters {
        let include = format!("include_str!(\"../../book/src/{chapter}\")");
        assert!(
            tests.contains(&include),
            "book/src/{chapter} is not in src/book_tests.rs"
        );
    }
}
