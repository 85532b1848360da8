use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::diag::{Code, Diagnostic, Location, Severity, Span};

const PAYMENTS: &str = "apiVersion: cairn/v1
kind: Service
metadata:
  name: payments
  description: \"Café — payments\"
spec:
  tier: 1
  tier: 2
  dependsOn: [service:ledgr]
";

const LEDGER: &str =
    "apiVersion: cairn/v1\r\nkind: Service\r\nmetadata:\r\n  name: ledger\r\nspec:\r\n  tier: 1\r\n";

struct Files(BTreeMap<&'static str, &'static str>);

impl Sources for Files {
    fn text(&self, file: &str) -> Option<&str> {
        self.0.get(file).copied()
    }
}

fn sources() -> Files {
    Files(BTreeMap::from([("services/payments.yaml", PAYMENTS), ("services/ledger.yaml", LEDGER)]))
}

fn at(file: &str, line: u32, col: u32, end_line: u32, end_col: u32) -> Location {
    Location::at(Arc::from(file), Span::new(line, col, end_line, end_col))
}

/// The fixed findings every format is snapshotted with, sorted as the caller sorts them.
fn fixture() -> Vec<Diagnostic> {
    let mut description = Diagnostic::new(
        Code::InvalidValue,
        "the description repeats the service name",
        at("services/payments.yaml", 5, 24, 5, 32),
    );
    description.severity = Severity::Warning;
    vec![
        Diagnostic::new(
            Code::IoError,
            "permission denied",
            Location::file(Arc::from("services/broken.yaml")),
        ),
        Diagnostic::new(Code::UnknownField, "unknown field `tierr`", at("services/gone.yaml", 3, 3, 3, 8))
            .with_note("help: did you mean `tier`?"),
        Diagnostic::new(
            Code::Tier1WithoutSla,
            "service:ledger is tier 1 but no SLA covers it",
            at("services/ledger.yaml", 6, 3, 6, 10),
        ),
        description,
        Diagnostic::new(Code::DuplicateKey, "duplicate key `tier`", at("services/payments.yaml", 8, 3, 8, 7))
            .with_label(at("services/payments.yaml", 7, 3, 7, 7), "first defined here")
            .with_note("help: remove one of the two keys"),
        Diagnostic::new(
            Code::UnresolvedReference,
            "service:ledgr does not exist",
            at("services/payments.yaml", 9, 15, 9, 28),
        )
        .with_label(at("services/ledger.yaml", 4, 9, 4, 15), "a service with a similar name")
        .with_label(
            Location::file(Arc::from("cairn.yaml")),
            "references are resolved against this repository",
        )
        .with_note("references are written `kind:name`")
        .with_note("help: did you mean `service:ledger`?"),
    ]
}

fn summary() -> Summary {
    Summary { files: 4, entities: 3, errors: 4, warnings: 2 }
}

fn render(format: Format, diagnostics: &[Diagnostic], summary: &Summary, color: bool) -> String {
    let mut out = Vec::new();
    write_diagnostics(&mut out, format, diagnostics, summary, &sources(), Style { color }).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn format_names_round_trip() {
    for format in Format::ALL {
        assert_eq!(Format::parse(format.name()), Some(format));
    }
    assert_eq!(Format::parse("HUMAN"), None);
    assert_eq!(Format::parse("text"), None);
}

#[test]
fn human() {
    let plain = render(Format::Human, &fixture(), &summary(), false);
    assert!(!plain.contains('\x1b'));
    insta::assert_snapshot!("human", plain);
}

#[test]
fn human_colour() {
    let coloured = render(Format::Human, &fixture(), &summary(), true);
    assert!(coloured.contains('\x1b'));
    assert!(coloured.ends_with("\x1b[0m\n"));
}

#[test]
fn human_summary_lines() {
    let line = |errors, warnings, files, entities| {
        render(Format::Human, &[], &Summary { files, entities, errors, warnings }, false)
    };
    assert_eq!(line(0, 0, 12, 34), "ok: 12 files, 34 entities, no problems\n");
    assert_eq!(line(0, 1, 1, 1), "warning: 1 warning in 1 file (1 entity)\n");
    assert_eq!(line(2, 0, 12, 34), "error: 2 errors in 12 files (34 entities)\n");
    assert_eq!(line(2, 1, 12, 34), "error: 2 errors and 1 warning in 12 files (34 entities)\n");
}

#[test]
fn human_neutralises_control_characters() {
    let files = Files(BTreeMap::from([("a.yaml", "key: \x1b[31mred\x1b[0m\n")]));
    let d = Diagnostic::new(Code::InvalidValue, "bad \x1b[2J value", at("a.yaml", 1, 6, 1, 18));
    let mut out = Vec::new();
    write_diagnostics(&mut out, Format::Human, &[d], &Summary::default(), &files, Style::default()).unwrap();
    assert!(!String::from_utf8(out).unwrap().contains('\x1b'));
}

#[test]
fn human_clamps_any_span() {
    let texts = ["", "\n", "a", "é\r\n\tb\r\n", "ab\ncd\nef", "x: 1\n\n\ny: ü—z\n"];
    for text in texts {
        let files = Files(BTreeMap::from([("a.yaml", text), ("b.yaml", text)]));
        for line in 0..6 {
            for col in 0..7 {
                for end_line in 0..6 {
                    for end_col in [0, 1, 2, 5, 9, u32::MAX] {
                        let span = Span::new(line, col, end_line, end_col);
                        let far = Span::new(u32::MAX, u32::MAX, u32::MAX, u32::MAX);
                        let d =
                            Diagnostic::new(Code::YamlSyntax, "x", Location::at(Arc::from("a.yaml"), span))
                                .with_label(Location::at(Arc::from("a.yaml"), far), "same file")
                                .with_label(Location::at(Arc::from("b.yaml"), span), "other file");
                        let mut out = Vec::new();
                        write_diagnostics(
                            &mut out,
                            Format::Human,
                            &[d],
                            &Summary::default(),
                            &files,
                            Style::default(),
                        )
                        .unwrap();
                        assert!(out.starts_with(b"error[yaml-syntax]: x\n"));
                    }
                }
            }
        }
    }
}

#[test]
fn json() {
    let text = render(Format::Json, &fixture(), &summary(), false);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let whole_file = &value["diagnostics"][0];
    assert_eq!(
        (&whole_file["line"], &whole_file["column"], &whole_file["endLine"], &whole_file["endColumn"]),
        (&1.into(), &1.into(), &1.into(), &1.into())
    );
    insta::assert_snapshot!("json", text);
}

#[test]
fn sarif() {
    let text = render(Format::Sarif, &fixture(), &summary(), false);
    assert!(text.ends_with("}\n"));
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let run = &mut value["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap().clone();
    assert_eq!(rules.len(), Code::ALL.len());
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    // Keep the snapshot to what the findings use, and independent of the version and of the
    // explanations' wording.
    run["tool"]["driver"]["version"] = "[version]".into();
    for result in run["results"].as_array_mut().unwrap() {
        result["ruleIndex"] = "[index]".into();
    }
    let mut used: Vec<serde_json::Value> = rules
        .into_iter()
        .filter(|rule| run["results"].as_array().unwrap().iter().any(|r| r["ruleId"] == rule["id"]))
        .collect();
    for rule in &mut used {
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        rule["fullDescription"]["text"] = "[first paragraph]".into();
        rule["help"] = serde_json::json!({"text": "[explanation]", "markdown": "[explanation]"});
    }
    run["tool"]["driver"]["rules"] = used.into();
    insta::assert_json_snapshot!("sarif", value);
}

#[test]
fn sarif_helpers() {
    assert_eq!(sarif::pascal_case("duplicate-key"), "DuplicateKey");
    assert_eq!(sarif::pascal_case("tier1-without-sla"), "Tier1WithoutSla");
    assert_eq!(sarif::first_paragraph("# x\n"), None);
    assert_eq!(
        sarif::first_paragraph("# x\n\nFirst line\nsecond line.\n\nMore.\n").as_deref(),
        Some("First line second line.")
    );
    assert_eq!(sarif::uri("dir/my file:1%.yaml"), "dir/my%20file%3A1%25.yaml");
    assert_eq!(sarif::uri("services/café.yaml"), "services/caf%C3%A9.yaml");
}

#[test]
fn github() {
    insta::assert_snapshot!("github", render(Format::Github, &fixture(), &summary(), false));
}

#[test]
fn github_escaping() {
    assert_eq!(github::escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
    assert_eq!(github::escape_property("100% a:b,c\r\nd"), "100%25 a%3Ab%2Cc%0D%0Ad");
    // A newline in a message was escaped when the diagnostic was made; the note's own line
    // break is the annotation's.
    let d = Diagnostic::new(Code::InvalidValue, "50%\nof: it,", at("odd:dir/a,b.yaml", 2, 3, 4, 5))
        .with_note("help: x");
    assert_eq!(
        github::command(&d),
        "::error file=odd%3Adir/a%2Cb.yaml,line=2,endLine=4,col=3,endColumn=5,\
         title=cairn%3A invalid-value::50%25\\nof: it,%0Ahelp: x"
    );
    let whole = Diagnostic::new(Code::MissingPolicy, "no policy", Location::file(Arc::from("cairn.yaml")));
    assert_eq!(github::command(&whole), "::warning file=cairn.yaml,title=cairn%3A missing-policy::no policy");
}

#[test]
fn gitlab() {
    insta::assert_snapshot!("gitlab", render(Format::Gitlab, &fixture(), &summary(), false));
}

#[test]
fn fingerprints_are_unique_and_stable() {
    let mut diagnostics = fixture();
    let twice = diagnostics[4].clone();
    diagnostics.insert(5, twice.clone());
    diagnostics.insert(5, twice);
    let fingerprints = fingerprint::fingerprints(&diagnostics, &sources());
    let unique: std::collections::BTreeSet<_> = fingerprints.iter().collect();
    assert_eq!(unique.len(), diagnostics.len());
    assert!(fingerprints.iter().all(|f| f.len() == 16));
    assert_eq!(fingerprints, fingerprint::fingerprints(&diagnostics, &sources()));
    // A finding's fingerprint does not depend on the findings after it.
    assert_eq!(fingerprints[..5], fingerprint::fingerprints(&diagnostics[..5], &sources())[..]);
}

/// The fixture as it reads after a comment line is added at the top of every file.
fn shifted() -> (Vec<Diagnostic>, Files) {
    let shift = |loc: &mut Location| {
        if let Some(s) = &mut loc.span {
            *s = Span::new(s.line + 1, s.col, s.end_line + 1, s.end_col);
        }
    };
    let mut diagnostics = fixture();
    for d in &mut diagnostics {
        shift(&mut d.primary);
        d.labels.iter_mut().for_each(|l| shift(&mut l.location));
    }
    let moved = sources().0.into_iter().map(|(file, text)| {
        let text: &'static str = Box::leak(format!("# a new first line\n{text}").into_boxed_str());
        (file, text)
    });
    (diagnostics, Files(moved.collect()))
}

#[test]
fn fingerprints_ignore_where_a_finding_sits() {
    let before = fingerprint::fingerprints(&fixture(), &sources());
    let (diagnostics, files) = shifted();
    assert_eq!(fingerprint::fingerprints(&diagnostics, &files), before);
    // A finding located by pointer keeps its fingerprint wherever the pointer resolves.
    let mut pointed = Diagnostic::new(
        Code::UnknownField,
        "unknown field `x`",
        Location::pointer(Arc::from("a.yaml"), 0, "/spec/x", crate::diag::Part::Key),
    );
    let first = fingerprint::fingerprints(std::slice::from_ref(&pointed), &sources());
    pointed.primary.span = Some(Span::new(40, 3, 40, 4));
    assert_eq!(fingerprint::fingerprints(&[pointed], &sources()), first);
    // What the finding is about changes it.
    let mut other = fixture();
    other[2].primary.file = Arc::from("services/ledger2.yaml");
    assert_ne!(fingerprint::fingerprints(&other, &sources())[2], before[2]);
}

#[test]
fn gitlab_and_sarif_share_the_fingerprints() {
    let mut diagnostics = fixture();
    diagnostics.push(diagnostics[4].clone());
    let sarif: serde_json::Value =
        serde_json::from_str(&render(Format::Sarif, &diagnostics, &summary(), false)).unwrap();
    let gitlab: serde_json::Value =
        serde_json::from_str(&render(Format::Gitlab, &diagnostics, &summary(), false)).unwrap();
    let from_sarif: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"]["cairnFingerprint/v2"].as_str().unwrap())
        .collect();
    let from_gitlab: Vec<&str> =
        gitlab.as_array().unwrap().iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(from_sarif, from_gitlab);
    // The same finding twice in one file is two alerts, not one.
    assert_ne!(from_sarif[4], from_sarif[diagnostics.len() - 1]);
}

#[test]
fn fnv1a_matches_reference_values() {
    // Published FNV-1a 64 test vectors.
    assert_eq!(fnv1a_extend(FNV_OFFSET, b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a_extend(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a_extend(FNV_OFFSET, b"foobar"), 0x8594_4171_f739_67e8);
    assert_eq!(fnv1a(&[b"a"]), fnv1a_extend(FNV_OFFSET, b"a\0"));
    assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
}

#[test]
fn markdown() {
    let text = render(Format::Markdown, &fixture(), &summary(), false);
    assert_eq!(text, step_summary(&fixture(), &summary()));
    insta::assert_snapshot!("markdown", text);
}

#[test]
fn markdown_clean_and_capped() {
    assert_eq!(
        step_summary(&[], &Summary { files: 1, entities: 2, errors: 0, warnings: 0 }),
        "### cairn validate\n\n✅ no problems in 1 file (2 entities)\n"
    );
    let many: Vec<Diagnostic> = (0..205)
        .map(|i| Diagnostic::new(Code::YamlSyntax, format!("bad {i}"), at("a.yaml", i + 1, 1, i + 1, 2)))
        .collect();
    let text = step_summary(&many, &Summary { files: 1, entities: 0, errors: 205, warnings: 0 });
    assert_eq!(text.lines().filter(|l| l.starts_with("| ❌")).count(), markdown::MAX_ROWS);
    assert!(text.ends_with("\n…and 5 more.\n"));
    assert_eq!(markdown::escape_cell("a|b <c> & `d`\r\ne\nf"), "a\\|b &lt;c&gt; &amp; `d`<br>e<br>f");
}
