//! ServiceNow CMDB exports → cairn teams, services and CIs.
//!
//! Pure: the texts of the exports in, entities and findings out. `read` turns each export
//! (Table API JSON in its three reference shapes, JSONv2, CSV list exports) into records of the
//! fields cairn reads; this module maps them through [`tables::Mapping`] (the documented
//! defaults, overridden by `--map`). Names come from the records' `name` (display names, so a
//! JSON and a CSV export of one CMDB give the same entities); an entity an earlier import wrote
//! keeps its name, found by its `servicenow/sys-id` label, so a re-import updates it in place
//! even when the record was renamed.
//!
//! Findings that would repeat for every record (an unknown class, an unknown relation type, a
//! group known only by its sys_id) are reported once, at the first record, with a count.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{json, Value};

use super::{normalise_name, Entity, Imported, Kind, Origin, Ownership};
use crate::diag::{Code, Diagnostic, Location, Severity};
use crate::load::yaml;

pub mod read;
pub mod tables;

use read::{At, Export, Field, Record};
use tables::{Edge, Mapping, Target};

/// Label holding a record's sys_id.
pub const SYS_ID_LABEL: &str = "servicenow/sys-id";
/// Team that owns what has no owner in the CMDB.
pub const UNOWNED: &str = "unowned";

/// CI fields copied into `spec.attributes` (as text; numbers lose the thousands separators
/// list views add).
pub const ATTRIBUTES: &[&str] = &[
    "ip_address",
    "fqdn",
    "dns_domain",
    "os",
    "os_version",
    "version",
    "serial_number",
    "cpu_count",
    "ram",
    "disk_space",
    "port",
    "mac_address",
];

/// What a ServiceNow import owns (see [`Ownership`]). A team's members are the user's, unless
/// the import is given memberships ([`OWNERSHIP_WITH_MEMBERS`]).
pub const OWNERSHIP: Ownership = Ownership {
    prefix: "servicenow/",
    team: &["metadata.title", "metadata.description", "spec.parent", "spec.contacts"],
    service: &[
        "metadata.title",
        "metadata.description",
        "spec.owner",
        "spec.tier",
        "spec.type",
        "spec.lifecycle",
        "spec.dependsOn",
        "spec.components",
    ],
    ci: &[
        "metadata.title",
        "metadata.description",
        "spec.class",
        "spec.owner",
        "spec.environment",
        "spec.status",
        "spec.dependsOn",
        "spec.runsOn",
        "spec.members",
    ],
    attributes: ATTRIBUTES,
};

/// What a ServiceNow import given `sys_user_grmember` exports owns: also the teams' members.
pub const OWNERSHIP_WITH_MEMBERS: Ownership = Ownership {
    team: &["metadata.title", "metadata.description", "spec.parent", "spec.contacts", "spec.members"],
    ..OWNERSHIP
};

/// A file given to the import: (file name as shown, text).
pub type Source = (Arc<str>, Arc<str>);

/// The exports to import.
#[derive(Debug, Default)]
pub struct Inputs {
    pub cis: Vec<Source>,
    pub rels: Vec<Source>,
    pub groups: Vec<Source>,
    /// Exports of `sys_user_grmember`: the teams' members.
    pub members: Vec<Source>,
    pub map: Option<Source>,
}

/// A finding waiting for its position: JSON positions are found in one pass per file, and
/// only when there is a finding there.
struct Pending {
    diagnostic: Diagnostic,
    file: Arc<str>,
    at: At,
    field: Option<usize>,
}

struct Ctx<'a> {
    mapping: Mapping,
    texts: HashMap<Arc<str>, Arc<str>>,
    csv_columns: HashMap<Arc<str>, Vec<Option<usize>>>,
    pending: Vec<Pending>,
    diagnostics: Vec<Diagnostic>,
    previous: &'a HashMap<String, (Kind, String)>,
    /// Repeated findings: key → (count, index in `pending`).
    repeated: HashMap<String, (usize, usize)>,
}

impl Ctx<'_> {
    fn find(&mut self, code: Code, message: String, record: &Record, field: Option<&str>) -> usize {
        let diagnostic = Diagnostic::new(code, message, Location::file(record.file.clone()));
        self.pending.push(Pending {
            diagnostic,
            file: record.file.clone(),
            at: record.at.clone(),
            field: field.map(read::field),
        });
        self.pending.len() - 1
    }

    /// A finding reported once per `key`, with the number of records it concerns.
    fn find_once(&mut self, key: String, code: Code, message: String, record: &Record, field: &str) {
        if let Some((count, _)) = self.repeated.get_mut(&key) {
            *count += 1;
            return;
        }
        let at = self.find(code, message, record, Some(field));
        self.repeated.insert(key, (1, at));
    }
}

/// A service or CI as its record maps (the findings about it made). Its document is made from
/// the record only when its file is ([`Draft::entity`]), so an import of a large CMDB never
/// holds every document at once.
struct Draft {
    kind: Kind,
    name: String,
    /// Index of its record among the CI records.
    record: usize,
    owner: String,
    target: Target,
    status: Option<String>,
    environment: Option<String>,
    tier: u8,
}

/// The reference lists a relation can add to, by index in [`Link`].
const LINK_FIELDS: [&str; 4] = ["dependsOn", "components", "runsOn", "members"];

/// A relation as it is written: from draft, field (in [`LINK_FIELDS`]), to draft.
type Link = (u32, u8, u32);

/// Imports the exports. `previous` maps the sys_ids an earlier import wrote to the kind and
/// name it gave them. The result borrows the exports' texts: each document is made from its
/// record when asked for ([`Imported::entity`]).
pub fn import<'a>(inputs: &'a Inputs, previous: &HashMap<String, (Kind, String)>) -> Imported<'a> {
    let mut diagnostics = Vec::new();
    let mapping = match &inputs.map {
        Some((file, text)) => Mapping::with_overrides(file, text, &mut diagnostics),
        None => Mapping::default(),
    };
    let mut ctx = Ctx {
        mapping,
        texts: HashMap::new(),
        csv_columns: HashMap::new(),
        pending: Vec::new(),
        diagnostics,
        previous,
        repeated: HashMap::new(),
    };
    // The files are parsed in parallel (the relations are the largest); what they hold is
    // then taken in the order they were given.
    let files: Vec<(usize, &'a Source)> = [&inputs.groups, &inputs.cis, &inputs.rels, &inputs.members]
        .into_iter()
        .enumerate()
        .flat_map(|(n, list)| list.iter().map(move |s| (n, s)))
        .collect();
    let parsed: Vec<Result<Export<'a>, String>> =
        files.par_iter().map(|(_, (file, text))| read::read(file, text)).collect();
    let mut lists: [Vec<Record<'a>>; 4] = Default::default();
    for ((n, (file, text)), export) in files.iter().zip(parsed) {
        ctx.texts.insert(file.clone(), text.clone());
        match export {
            Ok(Export { records, csv_columns }) => {
                if let Some(columns) = csv_columns {
                    ctx.csv_columns.insert(file.clone(), columns);
                }
                if lists[*n].is_empty() {
                    lists[*n] = records;
                } else {
                    lists[*n].extend(records);
                }
            }
            Err(message) => ctx.diagnostics.push(Diagnostic::new(
                Code::ImportInvalidSource,
                message,
                Location::file(file.clone()),
            )),
        }
    }
    let [groups, cis, rels, memberships] = lists;

    for g in &groups {
        let (id, name) = (g.named("sys_id").value.trim(), g.named("name").text());
        if !id.is_empty() && !name.is_empty() {
            ctx.mapping.groups.entry(id.to_owned()).or_insert_with(|| name.to_owned());
        }
    }
    let mut teams: BTreeMap<String, Entity> = BTreeMap::new();
    for g in &groups {
        team_of_group(&mut ctx, g, &mut teams);
    }
    let mut drafts = Vec::with_capacity(cis.len());
    for (r, record) in cis.iter().enumerate() {
        if let Some(d) = entity_of_record(&mut ctx, record, r, &mut teams) {
            drafts.push(d);
        }
    }
    name_uniquely(&mut ctx, &mut drafts, &cis);
    members(&mut ctx, &memberships, &mut teams);
    // How relations find their ends: by sys_id, or (CSV) by name.
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(drafts.len());
    let mut by_display: HashMap<&str, Vec<usize>> = HashMap::with_capacity(drafts.len());
    let mut by_lower: HashMap<String, Vec<usize>> = HashMap::with_capacity(drafts.len());
    for (i, d) in drafts.iter().enumerate() {
        let record = &cis[d.record];
        let sys_id = record.named("sys_id").value.trim();
        if !sys_id.is_empty() {
            by_id.insert(sys_id, i);
        }
        let display = record.named("name").text();
        by_display.entry(display).or_default().push(i);
        by_lower.entry(display.to_lowercase()).or_default().push(i);
    }
    let resolve = |f: &Field| -> Result<usize, bool> {
        let value = f.value.trim();
        if let Some(&i) = by_id.get(value) {
            return Ok(i);
        }
        let exact = by_display.get(f.text()).map(Vec::as_slice);
        let found = match exact {
            Some(found) => Some(found),
            None => by_lower.get(&f.text().to_lowercase()).map(Vec::as_slice),
        };
        match found {
            Some([i]) => Ok(*i),
            Some(_) => Err(true),
            None => Err(false),
        }
    };
    let mut edges: Vec<(usize, Edge, usize, usize)> = Vec::with_capacity(rels.len());
    for (rel_index, rel) in rels.iter().enumerate() {
        let type_field = rel.named("type");
        let type_name = match (type_field.display.trim(), type_field.value.trim()) {
            (d, _) if d.contains("::") => d.to_owned(),
            (_, v) if v.contains("::") => v.to_owned(),
            (_, v) => match ctx.mapping.relation_ids.get(v) {
                Some(name) => name.clone(),
                None => {
                    let message = format!(
                        "relation type `{}` is given by its sys_id only: export with display values, or name it in --map (relationTypes)",
                        type_field.text()
                    );
                    ctx.find_once(format!("reltype-id:{v}"), Code::ImportUnmapped, message, rel, "type");
                    continue;
                }
            },
        };
        let Some(&(edge, reverse)) = ctx.mapping.relations.get(&type_name.to_lowercase()) else {
            let message = format!("relation type `{type_name}` has no cairn counterpart: these relations are not imported (map one with --map relations)");
            ctx.find_once(format!("reltype:{type_name}"), Code::ImportUnmapped, message, rel, "type");
            continue;
        };
        let (parent, child) = (rel.named("parent"), rel.named("child"));
        let ends = [(parent, "parent"), (child, "child")].map(|(f, name)| (resolve(f), f, name));
        let mut found = [0usize; 2];
        let mut ok = true;
        for (n, (r, f, name)) in ends.iter().enumerate() {
            match r {
                Ok(i) => found[n] = *i,
                Err(ambiguous) => {
                    ok = false;
                    let (key, message) = if *ambiguous {
                        (format!("ambiguous:{}", rel.file), format!("the relation's {name} `{}` names more than one imported record: not imported (export sys_ids to tell them apart)", f.text()))
                    } else {
                        (
                            format!("unresolved:{}", rel.file),
                            format!(
                                "the relation's {name} `{}` is not among the imported records: not imported",
                                f.text()
                            ),
                        )
                    };
                    ctx.find_once(key, Code::ImportUnresolved, message, rel, name);
                    break;
                }
            }
        }
        if ok {
            let (from, to) = if reverse { (found[1], found[0]) } else { (found[0], found[1]) };
            edges.push((from, edge, to, rel_index));
        }
    }
    let mut links: Vec<Link> = Vec::with_capacity(edges.len());
    for (from, edge, to, rel_index) in edges {
        if from == to {
            continue;
        }
        let field = match (drafts[from].kind, edge, drafts[to].kind) {
            (Kind::Service, Edge::DependsOn | Edge::RunsOn, _) => 0,
            (Kind::Service, Edge::Members | Edge::Components, Kind::Ci) => 1,
            (Kind::Service, Edge::Members | Edge::Components, _) => 0,
            (Kind::Ci, _, Kind::Service) => {
                let message = "a configuration item cannot depend on a service in cairn: relations from a CI to a service are not imported".to_owned();
                ctx.find_once(
                    "ci-to-service".into(),
                    Code::ImportUnmapped,
                    message,
                    &rels[rel_index],
                    "type",
                );
                continue;
            }
            (Kind::Ci, Edge::DependsOn, _) => 0,
            (Kind::Ci, Edge::RunsOn, _) => 2,
            (Kind::Ci, Edge::Members | Edge::Components, _) => 3,
            (Kind::Team, _, _) => continue,
        };
        links.push((from as u32, field, to as u32));
    }
    // Repeated findings say how many records they concern.
    for (count, at) in ctx.repeated.values() {
        if *count > 1 {
            let d = &mut ctx.pending[*at].diagnostic;
            d.message = format!("{} ({count} records)", d.message);
        }
    }
    let mut diagnostics = locate(&mut ctx);
    // The relations are done with: what is left is the CI records the documents are made of.
    drop(rels);
    let mut sources = BTreeMap::new();
    for d in &diagnostics {
        if let Some(text) = ctx.texts.get(&d.primary.file) {
            sources.insert(d.primary.file.to_string(), text.clone());
        }
    }
    if let Some((file, text)) = &inputs.map {
        sources.insert(file.to_string(), text.clone());
    }

    // Names are unique per kind by now (see `name_uniquely`); should two still meet, the first
    // is imported, as for every import.
    let teams: Vec<Entity> = teams
        .into_values()
        .map(|mut e| {
            e.tidy();
            e
        })
        .collect();
    let mut first: HashMap<(Kind, &str), usize> = HashMap::with_capacity(drafts.len());
    let mut kept = vec![true; drafts.len()];
    for (i, d) in drafts.iter().enumerate() {
        if let Some(&j) = first.get(&(d.kind, d.name.as_str())) {
            kept[i] = false;
            let (a, b) = (draft_origin(&drafts[j], &cis), draft_origin(d, &cis));
            diagnostics.push(super::collision(d.kind, &d.name, &a, &b));
        } else {
            first.insert((d.kind, d.name.as_str()), i);
        }
    }
    drop(first);
    let mut order: Vec<usize> = (0..drafts.len()).filter(|i| kept[*i]).collect();
    order.sort_by(|a, b| (drafts[*a].kind, &drafts[*a].name).cmp(&(drafts[*b].kind, &drafts[*b].name)));
    // Each draft's links, by draft: `links[start[i]..start[i + 1]]`.
    links.sort_unstable();
    let mut start = vec![0usize; drafts.len() + 1];
    for (from, _, _) in &links {
        start[*from as usize + 1] += 1;
    }
    for i in 0..drafts.len() {
        start[i + 1] += start[i];
    }
    let mut names: Vec<(Kind, String)> = teams.iter().map(|t| (Kind::Team, t.name.clone())).collect();
    names.extend(order.iter().map(|&i| (drafts[i].kind, drafts[i].name.clone())));
    let make = move |i: usize| -> Entity {
        if let Some(team) = teams.get(i) {
            return team.clone();
        }
        let at = order[i - teams.len()];
        let d = &drafts[at];
        let refs = links[start[at]..start[at + 1]].iter().map(|(_, field, to)| {
            let to = &drafts[*to as usize];
            (LINK_FIELDS[usize::from(*field)], format!("{}:{}", to.kind.short(), to.name))
        });
        d.entity(&cis[d.record], refs)
    };
    Imported::lazy(names, Box::new(make), diagnostics, sources)
}

/// Where a draft's record is, and how messages call it.
fn draft_origin(d: &Draft, records: &[Record]) -> Origin {
    let record = &records[d.record];
    let shown = record.named("name").text();
    Origin::new(&record.file, None, format!("record `{shown}` in {}", record.file))
}

impl Draft {
    /// The entity's document, made from its record and its relations (`field`, reference).
    fn entity(&self, record: &Record, refs: impl Iterator<Item = (&'static str, String)>) -> Entity {
        let mut e = Entity::new(self.kind, &self.name);
        e.set_meta("title", Some(record.named("name").text()));
        let description = match record.named("short_description").text() {
            "" => record.named("description").text(),
            d => d,
        };
        e.set_meta("description", Some(description));
        let sys_id = record.named("sys_id").value.trim();
        if !sys_id.is_empty() {
            e.label(SYS_ID_LABEL, sys_id);
        }
        let owner = Value::String(format!("team:{}", self.owner));
        match &self.target {
            Target::Service(service_type) => {
                let spec = e.spec();
                spec.insert("owner".into(), owner);
                spec.insert("tier".into(), json!(self.tier));
                spec.insert("type".into(), (*service_type).into());
                let lifecycle = match self.status.as_deref() {
                    Some("planned") => "planned",
                    Some("retired") => "retired",
                    _ => "live",
                };
                spec.insert("lifecycle".into(), lifecycle.into());
            }
            Target::Ci(class) => {
                let spec = e.spec();
                spec.insert("class".into(), class.as_str().into());
                spec.insert("owner".into(), owner);
                if let Some(env) = &self.environment {
                    spec.insert("environment".into(), env.as_str().into());
                }
                let status = self.status.as_deref().unwrap_or("operational");
                spec.insert("status".into(), status.into());
                let mut attributes = serde_json::Map::new();
                for name in ATTRIBUTES {
                    let text = record.named(name).text();
                    if !text.is_empty() {
                        attributes.insert((*name).to_owned(), Value::String(plain_number(text)));
                    }
                }
                if !attributes.is_empty() {
                    spec.insert("attributes".into(), Value::Object(attributes));
                }
            }
        }
        for (field, reference) in refs {
            e.push_ref(field, reference);
        }
        e.tidy();
        e
    }
}

/// Gives every pending finding its line and column.
fn locate(ctx: &mut Ctx) -> Vec<Diagnostic> {
    let mut out = std::mem::take(&mut ctx.diagnostics);
    let mut json_queries: HashMap<Arc<str>, Vec<(usize, String)>> = HashMap::new();
    let mut pending = std::mem::take(&mut ctx.pending);
    for (n, p) in pending.iter_mut().enumerate() {
        match &p.at {
            At::Json { .. } => {
                let pointer = p.at.pointer().unwrap_or_default();
                let full = match p.field {
                    Some(f) => format!("{pointer}/{}", read::FIELDS[f]),
                    None => pointer.clone(),
                };
                json_queries.entry(p.file.clone()).or_default().push((n, full));
            }
            At::Csv { line, offset } => {
                let column =
                    p.field.and_then(|f| ctx.csv_columns.get(&p.file).and_then(|c| c[f])).unwrap_or(0);
                let text = ctx.texts.get(&p.file).cloned().unwrap_or_default();
                let (l, c) = read::csv_position(&text, *line, *offset, column);
                p.diagnostic.primary = Location::at(p.file.clone(), crate::diag::Span::point(l, c));
            }
        }
    }
    for (file, queries) in json_queries {
        let text = ctx.texts.get(&file).cloned().unwrap_or_default();
        let asked: Vec<(u32, String)> = queries.iter().map(|(_, q)| (0, q.clone())).collect();
        let found = yaml::locate_many(&text, &asked);
        for ((n, _), located) in queries.iter().zip(found) {
            if let Some(located) = located {
                pending[*n].diagnostic.primary =
                    Location::at(file.clone(), located.key.unwrap_or(located.value));
            }
        }
    }
    out.extend(pending.into_iter().map(|p| p.diagnostic));
    out
}

/// A record's owner team: the first owner field with a value; a group by its name (or its
/// sys_id through --groups), a person as a team of their own. `None`: no owner.
fn owner(ctx: &mut Ctx, record: &Record, teams: &mut BTreeMap<String, Entity>) -> Option<String> {
    let fields = ctx.mapping.owner_fields.clone();
    for name in &fields {
        let f = record.named(name);
        if f.is_empty() {
            continue;
        }
        let is_person = name == "owned_by" || name == "managed_by";
        let shown = if f.display.trim().is_empty() {
            match ctx.mapping.groups.get(f.value.trim()) {
                Some(group) => group.clone(),
                None if looks_like_sys_id(&f.value) => {
                    let message = format!(
                        "`{name}` is the sys_id `{}`, and no --groups export names it: the team is called after the sys_id",
                        f.value.trim()
                    );
                    ctx.find_once(
                        format!("group-id:{}", f.value.trim()),
                        Code::ImportUnresolved,
                        message,
                        record,
                        name,
                    );
                    format!("group-{}", &f.value.trim()[..8])
                }
                None => f.value.trim().to_owned(),
            }
        } else {
            f.display.trim().to_owned()
        };
        let Some(team) = normalise_name(&shown) else { continue };
        teams.entry(team.clone()).or_insert_with(|| {
            let mut e = Entity::new(Kind::Team, &team);
            e.set_meta("title", Some(&shown));
            e.spec().insert("members".into(), json!([]));
            if is_person {
                e.set_meta("description", Some("A person who owns CMDB records (ServiceNow's `owned_by`/`managed_by`): add them as a member, with their login."));
                e.label("servicenow/owner", "user");
            }
            if f.value.trim() != shown && looks_like_sys_id(&f.value) && !is_person {
                e.label(SYS_ID_LABEL, f.value.trim());
            }
            e
        });
        return Some(team);
    }
    None
}

fn looks_like_sys_id(v: &str) -> bool {
    let v = v.trim();
    v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit())
}

/// A team from a `sys_user_group` record.
fn team_of_group(ctx: &mut Ctx, g: &Record, teams: &mut BTreeMap<String, Entity>) {
    let shown = g.named("name").text().to_owned();
    let Some(name) = normalise_name(&shown) else {
        ctx.find(Code::ImportUnmapped, "a group without a usable name: not imported".into(), g, Some("name"));
        return;
    };
    let mut e = Entity::new(Kind::Team, &name);
    e.set_meta("title", Some(&shown));
    let description = g.named("description").text().to_owned();
    e.set_meta("description", Some(&description));
    e.spec().insert("members".into(), json!([]));
    let email = g.named("email").text().to_owned();
    if !email.is_empty() {
        e.spec().insert("contacts".into(), json!([{"type": "email", "value": email}]));
    }
    let parent = g.named("parent");
    if !parent.is_empty() {
        let shown_parent = match ctx.mapping.groups.get(parent.value.trim()) {
            Some(p) if parent.display.trim().is_empty() => p.clone(),
            _ => parent.text().to_owned(),
        };
        if let Some(p) = normalise_name(&shown_parent).filter(|p| *p != name) {
            e.spec().insert("parent".into(), Value::String(format!("team:{p}")));
        }
    }
    let id = g.named("sys_id").value.trim().to_owned();
    if !id.is_empty() {
        e.label(SYS_ID_LABEL, &id);
    }
    teams.insert(name, e);
}

/// The teams' members from `sys_user_grmember` records (`group`, `user`): login from the
/// dot-walked `user.user_name` (else the user's name, normalised, with a finding), name from
/// the user's display value, email from `user.email`. Members are sorted by login; a user in a
/// group twice is one member.
fn members(ctx: &mut Ctx, records: &[Record], teams: &mut BTreeMap<String, Entity>) {
    let mut found: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for record in records {
        let group = record.named("group");
        let shown = match ctx.mapping.groups.get(group.value.trim()) {
            Some(name) if group.display.trim().is_empty() => name.clone(),
            _ => group.text().to_owned(),
        };
        let team = normalise_name(&shown).filter(|t| teams.contains_key(t));
        let Some(team) = team else {
            let message = format!(
                "group `{shown}` is not among the imported teams: its members are not imported (export it with --groups)"
            );
            ctx.find_once(format!("member-group:{shown}"), Code::ImportUnresolved, message, record, "group");
            continue;
        };
        let user = record.named("user");
        let name = user.display.trim();
        let login = match record.named("user.user_name").text() {
            "" => {
                let message = "a member without `user.user_name` (add it to the export's fields): the login is made from the user's name".to_owned();
                ctx.find_once("member-login".into(), Code::ImportUnmapped, message, record, "user");
                normalise_name(name).or_else(|| normalise_name(user.value.trim()))
            }
            login => Some(login.to_owned()),
        };
        let Some(login) = login else {
            ctx.find(
                Code::ImportUnmapped,
                "a membership without a user: not imported".into(),
                record,
                Some("user"),
            );
            continue;
        };
        let mut member = serde_json::Map::new();
        member.insert("login".into(), login.as_str().into());
        if !name.is_empty() {
            member.insert("name".into(), name.into());
        }
        let email = record.named("user.email").text();
        if !email.is_empty() {
            member.insert("email".into(), email.into());
        }
        found.entry(team).or_default().entry(login).or_insert(Value::Object(member));
    }
    for (team, members) in found {
        if let Some(entity) = teams.get_mut(&team) {
            entity.spec().insert("members".into(), Value::Array(members.into_values().collect()));
        }
    }
}

/// A service or CI from a CMDB record (index `r`); `None` (with a finding) when it has no name.
fn entity_of_record(
    ctx: &mut Ctx,
    record: &Record,
    r: usize,
    teams: &mut BTreeMap<String, Entity>,
) -> Option<Draft> {
    let sys_id = record.named("sys_id").value.trim();
    let shown = record.named("name").text();
    let base = normalise_name(shown).or_else(|| normalise_name(sys_id));
    let Some(base) = base else {
        ctx.find(
            Code::ImportUnmapped,
            "a record without a name or sys_id: not imported".into(),
            record,
            Some("name"),
        );
        return None;
    };
    let class_field = record.named("sys_class_name");
    let target = class_of(ctx, record, class_field);
    let kind = match target {
        Target::Service(_) => Kind::Service,
        Target::Ci(_) => Kind::Ci,
    };
    let name = match ctx.previous.get(sys_id) {
        Some((k, n)) if *k == kind && !sys_id.is_empty() => n.clone(),
        _ => base,
    };
    let owner = match owner(ctx, record, teams) {
        Some(t) => t,
        None => {
            ctx.find_once(
                "no-owner".into(),
                Code::ImportUnmapped,
                format!(
                    "a record with no owner ({}): given to team `{UNOWNED}`",
                    ctx.mapping.owner_fields.join(", ")
                ),
                record,
                "name",
            );
            teams.entry(UNOWNED.to_owned()).or_insert_with(|| {
                let mut t = Entity::new(Kind::Team, UNOWNED);
                t.set_meta("title", Some("Unowned"));
                t.set_meta("description", Some("Made by `cairn import servicenow` for records without an owner. Give them real owners."));
                t.spec().insert("members".into(), json!([]));
                t.label("servicenow/placeholder", "true");
                t
            });
            UNOWNED.to_owned()
        }
    };
    let status = status(ctx, record);
    let (tier, environment) = match target {
        Target::Service(_) => (tier(ctx, record), None),
        Target::Ci(_) => (ctx.mapping.default_tier, environment(ctx, record)),
    };
    Some(Draft { kind, name, record: r, owner, target, status, environment, tier })
}

/// `16,384` as a list view shows it → `16384`, as the Table API gives it.
fn plain_number(text: &str) -> String {
    if text.contains(',') && text.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        text.replace(',', "")
    } else {
        text.to_owned()
    }
}

fn class_of(ctx: &mut Ctx, record: &Record, f: &Field) -> Target {
    for key in [f.value.trim(), f.display.trim()] {
        if let Some(t) = ctx.mapping.classes.get(&key.to_lowercase()) {
            return t.clone();
        }
    }
    let shown = f.text();
    if shown.is_empty() {
        return Target::Ci("ci".to_owned());
    }
    let class = format!("servicenow/{}", normalise_name(shown).unwrap_or_else(|| "unknown".into()));
    let message = format!(
        "class `{shown}` is not in cairn's class table: imported as `{class}` (map it with --map classes)"
    );
    ctx.find_once(format!("class:{shown}"), Code::ImportUnknownClass, message, record, "sys_class_name");
    Target::Ci(class)
}

/// install_status decides unless it says `Installed`; then operational_status does.
fn status(ctx: &mut Ctx, record: &Record) -> Option<String> {
    let lookup = |table: &HashMap<String, String>, f: &Field| {
        [f.value.trim(), f.display.trim()].into_iter().find_map(|k| table.get(&k.to_lowercase()).cloned())
    };
    let install_field = record.named("install_status");
    let op_field = record.named("operational_status");
    let install = lookup(&ctx.mapping.install, install_field);
    let op = lookup(&ctx.mapping.operational, op_field);
    for (f, found, name) in
        [(install_field, &install, "install_status"), (op_field, &op, "operational_status")]
    {
        if !f.is_empty() && found.is_none() {
            let message =
                format!("{name} `{}` is not a known status: left out (map it with --map)", f.text());
            ctx.find_once(format!("{name}:{}", f.text()), Code::ImportUnmapped, message, record, name);
        }
    }
    let installed =
        install_field.value.trim() == "1" || install_field.text().eq_ignore_ascii_case("installed");
    match (install, op) {
        (Some(i), _) if !installed => Some(i),
        (_, Some(o)) => Some(o),
        (i, None) => i,
    }
}

fn environment(ctx: &mut Ctx, record: &Record) -> Option<String> {
    let f = record.named("environment");
    if f.is_empty() {
        return None;
    }
    let found = [f.value.trim(), f.display.trim()]
        .into_iter()
        .find_map(|k| ctx.mapping.environments.get(&k.to_lowercase()).cloned());
    if found.is_none() {
        let message = format!(
            "environment `{}` is not one of cairn's: left out (map it with --map environments)",
            f.text()
        );
        ctx.find_once(format!("env:{}", f.text()), Code::ImportUnmapped, message, record, "environment");
    }
    found
}

fn tier(ctx: &mut Ctx, record: &Record) -> u8 {
    for name in ["busines_criticality", "business_criticality"] {
        let f = record.named(name);
        if f.is_empty() {
            continue;
        }
        let found = [f.value.trim(), f.display.trim()]
            .into_iter()
            .find_map(|k| ctx.mapping.tiers.get(&k.to_lowercase()).copied());
        match found {
            Some(t) => return t,
            None => {
                let message = format!(
                    "business criticality `{}` is not known: tier {} (map it with --map tiers)",
                    f.text(),
                    ctx.mapping.default_tier
                );
                ctx.find_once(format!("tier:{}", f.text()), Code::ImportUnmapped, message, record, name);
            }
        }
    }
    ctx.mapping.default_tier
}

/// Records whose names normalise alike: the first (by sys_id, else by order) keeps the name,
/// the others get `-2`, `-3`… (a warning says so). Names an earlier import gave are kept.
fn name_uniquely(ctx: &mut Ctx, drafts: &mut [Draft], records: &[Record]) {
    let mut groups: BTreeMap<(Kind, String), Vec<usize>> = BTreeMap::new();
    for (i, d) in drafts.iter().enumerate() {
        groups.entry((d.kind, d.name.clone())).or_default().push(i);
    }
    let taken: std::collections::HashSet<(Kind, String)> = groups.keys().cloned().collect();
    let sys_id = |d: &Draft| records[d.record].named("sys_id").value.trim().to_owned();
    for ((kind, name), mut members) in groups {
        if members.len() < 2 {
            continue;
        }
        members.sort_by(|a, b| {
            let (sa, sb) = (&sys_id(&drafts[*a]), &sys_id(&drafts[*b]));
            let kept = |s: &String| ctx.previous.get(s).is_some_and(|(k, n)| *k == kind && *n == name);
            kept(sb).cmp(&kept(sa)).then(sa.is_empty().cmp(&sb.is_empty())).then(sa.cmp(sb)).then(a.cmp(b))
        });
        let mut n = 2;
        for &i in &members[1..] {
            let new = loop {
                let candidate = suffixed(&name, n);
                n += 1;
                if !taken.contains(&(kind, candidate.clone())) {
                    break candidate;
                }
            };
            let message = format!(
                "{} and {} both have the name `{name}`: the second is imported as `{new}`",
                draft_origin(&drafts[members[0]], records).describe,
                draft_origin(&drafts[i], records).describe
            );
            let at = ctx.find(Code::ImportNameCollision, message, &records[drafts[i].record], Some("name"));
            ctx.pending[at].diagnostic.severity = Severity::Warning;
            drafts[i].name = new;
        }
    }
}

fn suffixed(name: &str, n: usize) -> String {
    let suffix = format!("-{n}");
    let mut base = name.to_owned();
    base.truncate(63 - suffix.len());
    format!("{}{suffix}", base.trim_end_matches('-'))
}
