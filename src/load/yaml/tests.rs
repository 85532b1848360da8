//! The YAML loader on hostile and ordinary input, and locating nodes by JSON pointer.

use super::*;
use serde_json::json;

fn one(text: &str) -> (Value, Vec<Problem>) {
    let parsed = parse(text, &Limits::default());
    assert_eq!(parsed.documents.len(), 1, "{text:?}: {parsed:?}");
    let doc = parsed.documents.into_iter().next().map(|d| d.value);
    (doc.unwrap_or(Value::Null), parsed.problems)
}

fn kinds(problems: &[Problem]) -> Vec<ProblemKind> {
    problems.iter().map(|p| p.kind).collect()
}

#[test]
fn scalar_typing_follows_the_core_schema() {
    let table: &[(&str, Value)] = &[
        ("~", Value::Null),
        ("null", Value::Null),
        ("NULL", Value::Null),
        ("", Value::Null),
        ("true", json!(true)),
        ("False", json!(false)),
        ("yes", json!("yes")),
        ("no", json!("no")),
        ("on", json!("on")),
        ("off", json!("off")),
        ("y", json!("y")),
        ("12", json!(12)),
        ("-7", json!(-7)),
        ("+3", json!(3)),
        ("0o17", json!(15)),
        ("0x1F", json!(31)),
        ("18446744073709551615", json!(18_446_744_073_709_551_615_u64)),
        ("99999999999999999999", json!(1e20)),
        ("1.5", json!(1.5)),
        ("1e3", json!(1000.0)),
        (".5", json!(0.5)),
        ("-.5", json!(-0.5)),
        (".inf", json!(".inf")),
        ("-.Inf", json!("-.Inf")),
        (".nan", json!(".nan")),
        ("1e999", json!("1e999")),
        ("2026-01-01", json!("2026-01-01")),
        ("0x", json!("0x")),
        ("1_000", json!("1_000")),
        ("'12'", json!("12")),
        ("\"true\"", json!("true")),
        ("\"\"", json!("")),
        ("|\n  12\n", json!("12\n")),
        ("!!str 12", json!("12")),
        ("!!int \"42\"", json!(42)),
        ("!!float 3", json!(3.0)),
        ("!!bool TRUE", json!(true)),
        ("!!null ~", Value::Null),
        ("! 12", json!("12")),
    ];
    for (text, want) in table {
        let (value, problems) = one(&format!("k: {text}\n"));
        assert_eq!(value, json!({ "k": want }), "{text}");
        assert!(problems.is_empty(), "{text}: {problems:?}");
    }
}

#[test]
fn tags_that_do_not_fit_or_are_custom_are_problems() {
    let (value, problems) = one("a: !!int x\nb: !Ref foo\nc: !!binary aGk=\nd: !!map [1]\n");
    assert_eq!(value, json!({"a": "x", "b": "foo", "c": "aGk=", "d": [1]}));
    assert_eq!(kinds(&problems), vec![ProblemKind::UnsupportedValue; 4]);
    assert_eq!(problems[0].span, Span::new(1, 4, 1, 11));
    assert!(problems[1].message.contains("custom tags are not supported"), "{problems:?}");
    assert!(problems[1].message.contains("!Ref"));
}

#[test]
fn duplicate_key_points_at_both_keys() {
    let (value, problems) = one("name: a\nother: 1\n  # c\nname: b\n");
    assert_eq!(value, json!({"name": "a", "other": 1}));
    assert_eq!(problems.len(), 1);
    let p = &problems[0];
    assert_eq!(p.kind, ProblemKind::DuplicateKey);
    assert_eq!(p.span, Span::new(4, 1, 4, 5));
    assert_eq!(p.related, Some((Span::new(1, 1, 1, 5), "first defined here".to_string())));
    assert!(p.message.contains("name"));
    // Nested and in flow style.
    let (_, problems) = one("x:\n  y: {a: 1, b: 2,  a: 3}\n");
    assert_eq!(problems[0].span, Span::new(2, 20, 2, 21));
    assert_eq!(problems[0].related.as_ref().map(|r| r.0), Some(Span::new(2, 7, 2, 8)));
}

#[test]
fn merge_keys_fill_in_what_is_not_set_explicitly() {
    let text = "\
base: &base {a: 1, b: 2, c: {deep: true}}
more: &more {b: 20, d: 4}
before:
  b: 9
  <<: *base
after:
  <<: [*more, *base]
  a: 0
inline:
  <<: {z: 1}
";
    let (value, problems) = one(text);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(value["before"], json!({"b": 9, "a": 1, "c": {"deep": true}}));
    assert_eq!(value["after"], json!({"a": 0, "b": 20, "d": 4, "c": {"deep": true}}));
    assert_eq!(value["inline"], json!({"z": 1}));
    // A quoted `<<` is an ordinary key; a merge of a scalar is a problem.
    let (value, problems) = one("'<<': 1\nm:\n  <<: 3\n");
    assert_eq!(value, json!({"<<": 1, "m": {}}));
    assert_eq!(kinds(&problems), vec![ProblemKind::UnsupportedValue]);
    assert_eq!(problems[0].span, Span::new(3, 7, 3, 8));
}

#[test]
fn anchors_and_aliases_are_expanded() {
    let (value, problems) = one("a: &x [1, {b: 2}]\nc: *x\n&k key: *k\n");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(value, json!({"a": [1, {"b": 2}], "c": [1, {"b": 2}], "key": "key"}));
    // Unknown (here: recursive) anchors are syntax problems, never loops.
    let parsed = parse("a: &x [*x]\n", &Limits::default());
    assert!(parsed.problems.iter().all(|p| p.kind == ProblemKind::Syntax));
    assert!(!parsed.problems.is_empty());
    let parsed = parse("b: *nope\n", &Limits::default());
    assert_eq!(kinds(&parsed.problems), vec![ProblemKind::Syntax]);
    assert_eq!(parsed.problems[0].span.line, 1);
}

#[test]
fn alias_bomb_hits_the_alias_limit() {
    let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..9 {
        let prev = format!("*l{}", level - 1);
        let items = [prev.as_str(); 9].join(", ");
        text.push_str(&format!("l{level}: &l{level} [{items}]\n"));
    }
    let parsed = parse(&text, &Limits::default());
    assert_eq!(kinds(&parsed.problems), vec![ProblemKind::AliasLimit]);
    // 9 + 81 + 729 + 6561 nodes fit in 10,000; the next level crosses the bound.
    assert_eq!(parsed.problems[0].span.line, 5);
    assert_eq!(parsed.documents.len(), 1);
    let small = Limits { max_alias_nodes: 5, ..Limits::default() };
    let parsed = parse("a: &a [1, 2]\nb: *a\nc: *a\nd: *a\n", &small);
    assert_eq!(kinds(&parsed.problems), vec![ProblemKind::AliasLimit]);
    assert_eq!(parsed.problems[0].span, Span::new(3, 4, 3, 6));
    assert_eq!(parsed.documents[0].value["d"], Value::Null);
}

/// Runs `f` on a thread with a rayon-sized (2 MiB) stack.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new().stack_size(2 * 1024 * 1024).spawn(f);
    let joined = handle.map(std::thread::JoinHandle::join);
    assert!(matches!(joined, Ok(Ok(()))), "thread failed");
}

#[test]
fn very_deep_nesting_is_a_problem_not_a_crash() {
    on_small_stack(|| {
        let n = 100_000;
        let flow = format!("{}{}", "[".repeat(n), "]".repeat(n));
        let block = format!("{}x\n", "- ".repeat(n));
        let mapping = format!("{}1{}", "{a: ".repeat(n), "}".repeat(n));
        let unclosed = "[".repeat(n);
        for text in [&flow, &block, &mapping, &unclosed] {
            let parsed = parse(text, &Limits::default());
            assert!(kinds(&parsed.problems).contains(&ProblemKind::TooDeep), "{:?}", parsed.problems);
            for p in &parsed.problems {
                assert!(p.span.line >= 1 && p.span.col >= 1);
            }
            // locate walks the same depth without recursion.
            let _ = locate(text, 0, &"/0".repeat(n));
            let _ = locate_nearest(text, 0, &"/0".repeat(70));
        }
        // Block nesting: reported at the 65th level, and the document is kept.
        let parsed = parse(&block, &Limits::default());
        assert_eq!(parsed.problems[0].span, Span::point(1, 129));
        assert_eq!(parsed.documents.len(), 1);
    });
}

#[test]
fn depth_limit_is_exact() {
    let limits = Limits { max_depth: 3, ..Limits::default() };
    assert!(parse("a: {b: [1]}\n", &limits).problems.is_empty());
    let parsed = parse("a: {b: [[1]]}\nc: 2\n", &limits);
    assert_eq!(kinds(&parsed.problems), vec![ProblemKind::TooDeep]);
    assert_eq!(parsed.problems[0].span, Span::new(1, 9, 1, 10));
    assert_eq!(parsed.documents[0].value, json!({"a": {"b": [null]}, "c": 2}));
    // Aliases cannot build deeper values than the limit either.
    let parsed = parse("a: &a [[1]]\nb: [*a]\n", &limits);
    assert_eq!(kinds(&parsed.problems), vec![ProblemKind::TooDeep]);
    assert_eq!(parsed.documents[0].value["b"], json!([null]));
}

#[test]
fn documents_keep_their_stream_index() {
    let text = "a: 1\n---\nb: 2\n--- \n...\n# only a comment\n---\nc: [x\n";
    let parsed = parse(text, &Limits::default());
    let docs: Vec<(u32, Value)> = parsed.documents.iter().map(|d| (d.index, d.value.clone())).collect();
    assert_eq!(docs, vec![(0, json!({"a": 1})), (1, json!({"b": 2})), (2, Value::Null)]);
    assert_eq!(parsed.documents[0].span, Span::new(1, 1, 1, 5));
    assert_eq!(parsed.documents[1].span, Span::new(2, 1, 3, 5));
    assert_eq!(kinds(&parsed.problems), vec![ProblemKind::Syntax]);
    assert_eq!(parsed.problems[0].span.line, 9);
    // A stream of comments is one empty document.
    let parsed = parse("# nothing here\n", &Limits::default());
    assert_eq!(parsed.documents.len(), 1);
    assert_eq!(parsed.documents[0].value, Value::Null);
    assert!(parse("", &Limits::default()).problems.is_empty());
    // Too many documents.
    let limits = Limits { max_documents: 2, ..Limits::default() };
    let parsed = parse("--- 1\n--- 2\n--- 3\n--- 4\n", &limits);
    assert_eq!(parsed.documents.len(), 2);
    assert_eq!(kinds(&parsed.problems), vec![ProblemKind::TooManyDocuments]);
    assert_eq!(parsed.problems[0].span, Span::new(3, 1, 3, 4));
}

#[test]
fn syntax_errors_are_located() {
    let parsed = parse("a: 1\nb: [1, 2\nc: 3\n", &Limits::default());
    assert!(parsed.documents.is_empty());
    assert_eq!(parsed.problems.len(), 1);
    let p = &parsed.problems[0];
    assert_eq!(p.kind, ProblemKind::Syntax);
    assert_eq!((p.span.line, p.span.col), (3, 2));
    assert_eq!(p.message, "Illegal placement of ':' indicator");
    assert!(!p.message.contains("ScanError"));
    let p = &parse("a: 'x\n", &Limits::default()).problems[0];
    assert_eq!((p.span.line, p.span.col), (1, 4));
}

#[test]
fn columns_count_characters() {
    let parsed = parse("name: \"héllo\" x\n", &Limits::default());
    assert_eq!(parsed.problems[0].span, Span::point(1, 15));
    let text = "name: \"héllo\"\nüber: [a, b]\n";
    let located = locate(text, 0, "/über/1");
    assert_eq!(located, Some(Located { key: None, value: Span::new(2, 11, 2, 12) }));
    let located = locate(text, 0, "/über");
    let want = Located { key: Some(Span::new(2, 1, 2, 5)), value: Span::new(2, 7, 2, 13) };
    assert_eq!(located, Some(want));
}

#[test]
fn a_flow_collection_ends_at_its_bracket_not_at_a_comment_after_it() {
    let text = "rules:\n  - {then: low}    # every change\n  - [a, b]  # c\nlast: {x: 1} # d\n";
    assert_eq!(locate(text, 0, "/rules/0"), Some(Located { key: None, value: Span::new(2, 5, 2, 16) }));
    assert_eq!(locate(text, 0, "/rules/1"), Some(Located { key: None, value: Span::new(3, 5, 3, 11) }));
    let last = Located { key: Some(Span::new(4, 1, 4, 5)), value: Span::new(4, 7, 4, 13) };
    assert_eq!(locate(text, 0, "/last"), Some(last));
    // A block collection still ends with its last item.
    assert_eq!(locate(text, 0, "/rules").map(|l| l.value), Some(Span::new(2, 3, 3, 11)));
}

#[test]
fn complex_keys_are_skipped() {
    let (value, problems) = one("? [a, b]\n: v\n{x: 1}: w\nok: 1\n");
    assert_eq!(value, json!({"ok": 1}));
    assert_eq!(kinds(&problems), vec![ProblemKind::UnsupportedKey; 2]);
    assert_eq!(problems[0].span, Span::new(1, 3, 1, 9));
    assert_eq!(problems[1].span, Span::new(3, 1, 3, 7));
    let (value, problems) = one("1: a\nnull: b\n~: c\ntrue: d\n");
    assert!(problems.is_empty());
    assert_eq!(value, json!({"1": "a", "null": "b", "~": "c", "true": "d"}));
}

const LOCATE: &str = "\
service:
  name: web
  ports: [80, 443]
  tags:
    - a
    - {k: v}
  \"a/b~c\": 1
base: &b {x: 1}
use:
  ref: *b
  <<: *b
---
second: true
";

fn at(line: u32, col: u32, end_line: u32, end_col: u32) -> Span {
    Span::new(line, col, end_line, end_col)
}

#[test]
fn locate_finds_keys_values_and_items() {
    let loc = |p: &str| locate(LOCATE, 0, p);
    assert_eq!(loc("/service/name"), Some(Located { key: Some(at(2, 3, 2, 7)), value: at(2, 9, 2, 12) }));
    assert_eq!(loc("/service/ports/1"), Some(Located { key: None, value: at(3, 15, 3, 18) }));
    assert_eq!(loc("/service/ports"), Some(Located { key: Some(at(3, 3, 3, 8)), value: at(3, 10, 3, 19) }));
    assert_eq!(
        loc("/service/tags/1/k"),
        Some(Located { key: Some(at(6, 8, 6, 9)), value: at(6, 11, 6, 12) })
    );
    assert_eq!(loc("/service/tags"), Some(Located { key: Some(at(4, 3, 4, 7)), value: at(5, 5, 6, 13) }));
    assert_eq!(
        loc("/service/a~1b~0c"),
        Some(Located { key: Some(at(7, 3, 7, 10)), value: at(7, 12, 7, 13) })
    );
    assert_eq!(loc(""), Some(Located { key: None, value: at(1, 1, 11, 9) }));
    assert_eq!(loc("/service/ports/2"), None);
    assert_eq!(loc("/service/ports/01"), None);
    assert_eq!(loc("/nope"), None);
    assert_eq!(loc("no-slash"), None);
    assert_eq!(loc("/bad~2"), None);
    assert_eq!(
        locate(LOCATE, 1, "/second"),
        Some(Located { key: Some(at(13, 1, 13, 7)), value: at(13, 9, 13, 13) })
    );
    assert_eq!(locate(LOCATE, 2, ""), None);
}

#[test]
fn locate_through_aliases_and_merges_points_where_the_user_wrote() {
    let alias = Some(Located { key: Some(at(10, 3, 10, 6)), value: at(10, 8, 10, 10) });
    assert_eq!(locate(LOCATE, 0, "/use/ref"), alias);
    assert_eq!(locate(LOCATE, 0, "/use/ref/x"), alias);
    let merged = Some(Located { key: Some(at(11, 3, 11, 5)), value: at(11, 7, 11, 9) });
    assert_eq!(locate(LOCATE, 0, "/use/x"), merged);
}

#[test]
fn locate_nearest_returns_the_deepest_existing_ancestor() {
    let near = |p: &str| locate_nearest(LOCATE, 0, p);
    let service = Located { key: Some(at(1, 1, 1, 8)), value: at(2, 3, 7, 13) };
    assert_eq!(near("/service/missing"), Some(("/service".to_string(), service)));
    assert_eq!(near("/service/missing/deeper"), Some(("/service".to_string(), service)));
    let name = Located { key: Some(at(2, 3, 2, 7)), value: at(2, 9, 2, 12) };
    assert_eq!(near("/service/name"), Some(("/service/name".to_string(), name)));
    let root = Located { key: None, value: at(1, 1, 11, 9) };
    assert_eq!(near("/zzz"), Some((String::new(), root)));
    // Through an alias: the alias exists, its missing member does not.
    let alias = Located { key: Some(at(10, 3, 10, 6)), value: at(10, 8, 10, 10) };
    assert_eq!(near("/use/ref/nope"), Some(("/use/ref".to_string(), alias)));
    assert_eq!(locate_nearest(LOCATE, 5, "/a"), None);
}

#[test]
fn locate_many_resolves_every_query_in_one_walk() {
    let text = "\
a: {x: 1}
base: &b {k: 1}
m:
  <<: *b
  own: 2
  own: 3
? [c]
: skipped
&key name: value
ref: {*key : v}
---
second: [10, 20]
";
    let queries: Vec<(u32, String)> = [
        (0, "/a/x"),
        (0, "/a/missing"),
        (0, "/m/k"),
        (0, "/m/nope"),
        (0, "/m/own"),
        (0, "/ref/name"),
        (1, "/second/1"),
        (1, "/second/7"),
        (0, "not a pointer"),
        (3, ""),
    ]
    .iter()
    .map(|(d, p)| (*d, p.to_string()))
    .collect();
    let found = locate_many(text, &queries);
    let value = |l: &Option<Located>| l.map(|l| l.value);
    assert_eq!(value(&found[0]), Some(at(1, 8, 1, 9)));
    assert_eq!(value(&found[1]), Some(at(1, 4, 1, 10)));
    // Through a merge: the merge; a key the merge lacks: the mapping itself.
    assert_eq!(found[2], Some(Located { key: Some(at(4, 3, 4, 5)), value: at(4, 7, 4, 9) }));
    assert_eq!(found[3], Some(Located { key: Some(at(3, 1, 3, 2)), value: at(4, 3, 6, 9) }));
    // The first of duplicate keys wins, as in `parse`.
    assert_eq!(value(&found[4]), Some(at(5, 8, 5, 9)));
    // An alias used as a key matches its anchored text.
    assert_eq!(value(&found[5]), Some(at(10, 14, 10, 15)));
    assert_eq!(value(&found[6]), Some(at(12, 14, 12, 16)));
    assert_eq!(value(&found[7]), Some(at(12, 9, 12, 17)));
    assert_eq!(value(&found[8]), Some(at(1, 1, 10, 16)));
    assert_eq!(found[9], None);
    assert_eq!(locate_nearest(text, 0, "not a pointer"), None);
}

#[test]
fn hostile_fragments_never_panic() {
    let inputs = [
        "",
        "-",
        "?",
        ":",
        "[",
        "]",
        "{",
        "}",
        "&",
        "*",
        "!",
        "|",
        ">",
        "'",
        "\"",
        "%",
        "@",
        "---",
        "...",
        "--- |\n",
        "? ? ?",
        "&a &b x",
        "*a: *b",
        "[*]",
        "{? : }",
        "- !<x> ",
        "\u{feff}a: 1",
        "a:\t1",
        "\0",
        "a: \u{1F600}",
        "%YAML 1.2\n%YAML 1.2\n---",
        "!!!x y",
        "a: !!int\n",
        "<<: *x",
        "<<: [1, *x]",
        "[a: 1, b]: c",
    ];
    for text in inputs {
        let parsed = parse(text, &Limits::default());
        for p in &parsed.problems {
            assert!(p.span.line >= 1 && p.span.col >= 1, "{text:?}");
        }
        for pointer in ["", "/0", "/a", "/a/b"] {
            let _ = locate(text, 0, pointer);
            let _ = locate_nearest(text, 0, pointer);
        }
    }
}

#[test]
fn a_syntax_error_at_the_end_of_the_text_points_into_the_text() {
    // Found by fuzzing (fuzz/regressions/validate_file/): an unterminated flow mapping on the
    // last line, without a final newline, was reported on the line after the last.
    let text = "a: 1\nb: {c: 3d";
    let parsed = parse(text, &Limits::default());
    let p = parsed.problems.iter().find(|p| p.kind == ProblemKind::Syntax).expect("a syntax problem");
    assert_eq!((p.span.line, p.span.col), (2, 10), "{p:?}");
}

#[test]
fn a_lone_carriage_return_is_a_character_of_its_line() {
    // YAML ends a line at a lone `\r`; git, editors and cairn's reports do not. Positions count
    // lines by `\n` (found by fuzzing: a finding pointed 17 lines past the end of a file).
    let (_, problems) = one("a: 1\rb: 2\rb: 3\n");
    assert_eq!(kinds(&problems), [ProblemKind::DuplicateKey]);
    assert_eq!((problems[0].span.line, problems[0].span.col), (1, 11));
    // Lines after one with a lone `\r` are counted by `\n`; CRLF is one line end as before.
    let text = "x: 1\r\ny: |\r\n  a\rb\n  c\nz: [1,\n";
    let parsed = parse(text, &Limits::default());
    let syntax: Vec<&Problem> = parsed.problems.iter().filter(|p| p.kind == ProblemKind::Syntax).collect();
    assert_eq!(syntax.len(), 1, "{:?}", parsed.problems);
    assert!(syntax[0].span.line <= 6, "{:?}", syntax[0].span);
    let (_, problems) = one("a: 1\r\nb: 2\r\nb: 3\r\n");
    assert_eq!((problems[0].span.line, problems[0].span.col), (3, 1));
}
