//! Fingerprints that let code scanning (SARIF `partialFingerprints`) and GitLab Code Quality
//! follow one finding from run to run.
//!
//! A fingerprint names what a finding is about, not where it sits: its code, its file, its
//! message and its subject — the JSON pointer it was found at when a rule located it by pointer,
//! else the source text of the lines it spans. A line added above a finding leaves its
//! fingerprint alone (GitLab would otherwise show it as fixed and new). Findings that agree on
//! all of that (the same mistake twice in one file) are told apart by their order among
//! themselves, so every fingerprint of a run is unique (GitHub would otherwise merge them into
//! one alert) and stays put while the others do.

use std::collections::{HashMap, HashSet};

use super::{fnv1a, Sources};
use crate::diag::{Diagnostic, Part};

/// One 16-hex-digit fingerprint per diagnostic, in order.
pub(super) fn fingerprints(diagnostics: &[Diagnostic], sources: &dyn Sources) -> Vec<String> {
    let mut occurrences: HashMap<u64, u64> = HashMap::with_capacity(diagnostics.len());
    let mut seen = HashSet::with_capacity(diagnostics.len());
    diagnostics
        .iter()
        .map(|d| {
            let subject = subject(d, sources);
            let parts: [&[u8]; 4] = [
                d.code.name().as_bytes(),
                d.primary.file.as_bytes(),
                d.message.as_bytes(),
                subject.as_bytes(),
            ];
            let key = fnv1a(&parts);
            let occurrence = occurrences.entry(key).or_default();
            *occurrence += 1;
            let mut hash = if *occurrence == 1 { key } else { with_counter(&parts, *occurrence) };
            // A hash collision between different findings: count on until it is unique.
            let mut extra = *occurrence;
            while !seen.insert(hash) {
                extra += 1;
                hash = with_counter(&parts, extra);
            }
            format!("{hash:016x}")
        })
        .collect()
}

fn with_counter(parts: &[&[u8]; 4], n: u64) -> u64 {
    let n = n.to_string();
    fnv1a(&[parts[0], parts[1], parts[2], parts[3], n.as_bytes()])
}

/// What the finding is about: its pointer, else the trimmed text of the lines it spans, else
/// nothing (a finding about the whole file).
fn subject(d: &Diagnostic, sources: &dyn Sources) -> String {
    if let Some(anchor) = &d.primary.anchor {
        let part = match anchor.part {
            Part::Key => "key",
            Part::Value => "value",
        };
        return format!("pointer {} {} {part}", anchor.doc, anchor.pointer);
    }
    let (Some(span), Some(text)) = (d.primary.span, sources.text(&d.primary.file)) else {
        return String::new();
    };
    let first = span.line.max(1) as usize - 1;
    let count = span.end_line.saturating_sub(span.line) as usize + 1;
    let lines: Vec<&str> = text.lines().skip(first).take(count.min(50)).map(str::trim).collect();
    format!("text {}", lines.join("\n"))
}
