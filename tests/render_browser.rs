//! The rendered sites in a real browser: headless Chromium opens pages from `file://` and dumps
//! their DOM after the scripts ran. It checks that pages load without a console message (no
//! script error, no Content-Security-Policy violation, no failed load), that the search finds
//! pages from the query string, that no request leaves the machine (names do not resolve; the
//! network log holds no request but the browser's own), and that no hostile text runs.
//!
//! Needs `chromium` (Debian package; or set `CHROMIUM` to a binary). Without it the tests print
//! a notice and pass, unless `CI` is set: then they fail.

#[path = "render_common.rs"]
mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cairn::render::SiteFormat;
use common::*;

/// How long one page may take.
const PAGE_TIMEOUT: Duration = Duration::from_secs(90);

/// Hosts the browser itself contacts (updates, accounts); requests to them are not the page's.
const BROWSER_HOSTS: [&str; 6] =
    ["google.com", "googleapis.com", "gvt1.com", "gstatic.com", "googleusercontent.com", "~notfound"];

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]) {
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// The browser, or `None` (after a notice) when it is missing outside CI.
fn browser() -> Option<PathBuf> {
    match chromium() {
        Some(path) => Some(path),
        None if std::env::var_os("CI").is_some() => {
            panic!("chromium is not installed (apt-get install chromium), and CI is set")
        }
        None => {
            eprintln!("skipped: chromium is not installed (apt-get install chromium, or set CHROMIUM)");
            None
        }
    }
}

/// What the browser made of one page.
struct Visit {
    dom: String,
    /// Console messages (`INFO:CONSOLE…` lines of the browser's log).
    console: Vec<String>,
    /// `http(s)` URLs in the network log whose host is not one of the browser's own.
    requests: Vec<String>,
    log: String,
}

fn visit(browser: &Path, url: &str, scratch: &Path) -> Visit {
    let profile = tempfile::tempdir_in(scratch).unwrap_or_else(|e| panic!("{e}"));
    let net_log = profile.path().join("net-log.json");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().join("profile").display()))
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap_or_else(|e| panic!("{e}")).is_some() {
            break;
        }
        if start.elapsed() > PAGE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish {url} within {PAGE_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let dom = out.join().unwrap_or_default();
    let log = err.join().unwrap_or_default();
    let console = log.lines().filter(|l| l.contains(":CONSOLE")).map(str::to_owned).collect();
    let net = std::fs::read_to_string(&net_log).unwrap_or_default();
    let requests = page_requests(&net);
    Visit { dom, console, requests, log }
}

/// `http(s)` URLs in a network log, but those of the browser's own services.
fn page_requests(net_log: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in net_log.match_indices("\"url\":\"") {
        let rest = &net_log[at + 7..];
        let url = &rest[..rest.find('"').unwrap_or(rest.len())];
        let Some(after) = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")) else {
            continue;
        };
        let host = after.split(['/', ':', '?']).next().unwrap_or_default();
        if !BROWSER_HOSTS.iter().any(|h| host == *h || host.ends_with(&format!(".{h}"))) {
            out.push(url.to_owned());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn file_url(dir: &Path, page: &str) -> String {
    format!("file://{}/{page}", dir.display())
}

#[track_caller]
fn assert_clean(visit: &Visit, page: &str) {
    assert!(visit.dom.contains("</html>"), "{page}: no DOM dumped; browser log:\n{}", visit.log);
    assert!(visit.console.is_empty(), "{page}: console messages:\n{}", visit.console.join("\n"));
    assert!(visit.requests.is_empty(), "{page}: requests left the machine: {:?}", visit.requests);
    for line in visit.log.lines() {
        assert!(!line.contains("ERR_NAME_NOT_RESOLVED"), "{page}: a name was looked up: {line}");
    }
}

/// The `<ol id="search-results">` element of a dumped home page.
fn results(dom: &str) -> &str {
    let start = dom.find("id=\"search-results\"").unwrap_or_else(|| panic!("no results list in\n{dom}"));
    let end = dom[start..].find("</ol>").map_or(dom.len(), |e| start + e);
    &dom[start..end]
}

/// The text of the search status line (`3 results`).
fn status(dom: &str) -> &str {
    let Some(start) = dom.find("id=\"search-status\"") else { return "" };
    let rest = &dom[start..];
    let open = rest.find('>').map_or(rest.len(), |i| i + 1);
    let close = rest.find("</p>").unwrap_or(rest.len()).max(open);
    &rest[open..close]
}

#[test]
fn acme_site_works_in_a_browser() {
    let Some(browser) = browser() else { return };
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let site_dir = scratch.path().join("acme");
    write_site(&site_dir, &site(&acme(), SiteFormat::Html));

    for (page, expected) in [
        ("index.html", "Services by tier"),
        ("services/checkout.html", "<svg class=\"graph\""),
        ("calendar.html", "Change calendar"),
        ("catalog/index.html", "Service catalog"),
        ("kb/black-friday-readiness.html", "<table>"),
        ("cis/pg-orders.html", "Configuration item"),
        ("teams/sre.html", "Approves"),
        ("policy.html", "Standard changes"),
    ] {
        let v = visit(&browser, &file_url(&site_dir, page), scratch.path());
        assert_clean(&v, page);
        assert!(v.dom.contains(expected), "{page}: {expected} missing from the DOM");
    }

    // The home page loads the search index only when there is something to search for.
    let index_script = "<script src=\"search-index.js\"";
    let v = visit(&browser, &file_url(&site_dir, "index.html"), scratch.path());
    assert!(!v.dom.contains(index_script), "the index was loaded without a search");
    let v = visit(&browser, &file_url(&site_dir, "index.html?q=restart"), scratch.path());
    assert_clean(&v, "index.html?q=restart");
    assert!(v.dom.contains(index_script), "the index was not loaded for a search");
    let found = results(&v.dom);
    assert!(
        found.contains("href=\"kb/kafka-broker-replacement.html\""),
        "search for restart found:\n{found}"
    );
    assert!(
        status(&v.dom).ends_with(" result") || status(&v.dom).ends_with(" results"),
        "{}",
        status(&v.dom)
    );

    // Several words must all match; results link to pages that exist.
    let v = visit(&browser, &file_url(&site_dir, "index.html?q=checkout%20payment"), scratch.path());
    let found = results(&v.dom);
    assert!(found.contains("href=\"services/checkout.html\""), "search for checkout payment found:\n{found}");
    for href in attribute_values(found, "href") {
        assert!(site_dir.join(&href).is_file(), "search result {href} is not a page");
    }

    // The search box on other pages sends the query to the home page.
    let v = visit(&browser, &file_url(&site_dir, "services/checkout.html"), scratch.path());
    assert!(v.dom.contains("action=\"../index.html\""), "the header search goes home");
}

#[test]
fn hostile_text_does_not_run() {
    let Some(browser) = browser() else { return };
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let repo = hostile_repo();
    let pages = site(&entities(repo.path()), SiteFormat::Html);
    let site_dir = scratch.path().join("evil");
    write_site(&site_dir, &pages);

    let mut visited = 0;
    for path in pages.keys().filter(|p| p.ends_with(".html")) {
        let v = visit(&browser, &file_url(&site_dir, path), scratch.path());
        assert_clean(&v, path);
        assert!(!v.dom.contains(MARKER), "{path}: injected code ran:\n{}", v.dom);
        visited += 1;
    }
    assert!(visited >= 15, "only {visited} pages");

    // Hostile titles shown as search results are text, not markup.
    let v = visit(&browser, &file_url(&site_dir, "index.html?q=restart"), scratch.path());
    assert_clean(&v, "index.html?q=restart");
    let found = results(&v.dom);
    assert!(
        found.contains("href=\"kb/evil-article.html\">&lt;script&gt;"),
        "the hostile title is text:\n{found}"
    );
    assert!(!v.dom.contains(MARKER), "injected code ran from the search index");
    let v = visit(&browser, &file_url(&site_dir, "index.html?q=%3Cscript%3E"), scratch.path());
    assert!(!v.dom.contains(MARKER), "injected code ran from the query");
    assert!(status(&v.dom).contains("result"), "the query was searched: {}", status(&v.dom));
}
