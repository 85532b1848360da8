//! The catalogue of diagnostic codes. Codes are stable: a code, once published, keeps its
//! meaning. Each has a kebab-case name, a default severity, a one-line summary and a long
//! explanation (`docs/diagnostics/<code>.md`, printed by `cairn explain`).

use std::fmt;

use serde::Serialize;

use super::Severity;

macro_rules! codes {
    ($($variant:ident $name:literal $severity:ident $summary:literal;)+) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)+
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The kebab-case name users see and configure.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)+
                }
            }

            /// Severity unless `cairn.yaml` says otherwise.
            pub const fn default_severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)+
                }
            }

            /// One line saying what the code means.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)+
                }
            }

            /// The long explanation: what it means, why it matters, how to fix it.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("../../docs/diagnostics/", $name, ".md")),)+
                }
            }
        }
    };
}

codes! {
    // Reading files
    IoError "io-error" Error "a file could not be read";
    FileTooLarge "file-too-large" Error "a file is larger than the configured limit";
    InvalidUtf8 "invalid-utf8" Error "a file is not valid UTF-8 text";
    SymlinkOutsideRepository "symlink-outside-repository" Warning "a symbolic link points outside the repository and was not followed";
    UnprintablePath "unprintable-path" Warning "a file's path holds control characters or bytes that are not UTF-8; it is shown escaped";
    YamlSyntax "yaml-syntax" Error "the YAML cannot be parsed";
    DuplicateKey "duplicate-key" Error "a mapping has the same key twice";
    YamlTooDeep "yaml-too-deep" Error "mappings and sequences are nested deeper than the limit";
    YamlAliasLimit "yaml-alias-limit" Error "aliases expand to more nodes than the limit";
    YamlUnsupported "yaml-unsupported" Error "the YAML uses a feature cairn does not read (complex keys, custom tags)";
    TooManyDocuments "too-many-documents" Error "a file holds more documents than the limit";
    FileTooComplex "file-too-complex" Error "a file's documents build more nodes than the limit, aliases expanded";
    InputTooLarge "input-too-large" Error "the files read before this one used the run's budget of bytes or nodes";
    FrontMatterUnterminated "front-matter-unterminated" Error "Markdown front matter has no closing `---`";
    // The envelope
    UnknownApiVersion "unknown-api-version" Error "a document looks like a cairn entity but its apiVersion is not cairn/v1";
    UnknownKind "unknown-kind" Error "an entity's kind is not one of cairn's kinds";
    // The schema
    UnknownField "unknown-field" Error "a field is not part of the kind's schema";
    MissingField "missing-field" Error "a required field is missing";
    InvalidType "invalid-type" Error "a value has the wrong type";
    InvalidValue "invalid-value" Error "a value is not allowed (not in the list, out of range, malformed)";
    InvalidName "invalid-name" Error "metadata.name does not follow the naming rule";
    InvalidReference "invalid-reference" Error "a reference is malformed or names a kind not allowed here";
    // Across files
    DuplicateName "duplicate-name" Error "two entities of one kind have the same name";
    UnresolvedReference "unresolved-reference" Error "a reference names an entity that does not exist";
    DependencyCycle "dependency-cycle" Error "entities depend on each other in a cycle";
    TeamParentCycle "team-parent-cycle" Error "teams are each other's parents in a cycle";
    RedundancyExceedsMembers "redundancy-exceeds-members" Error "a cluster needs more members up than it has";
    LiveDependsOnRetired "live-depends-on-retired" Error "a live service depends on something retired";
    SlaAvailabilityRange "sla-availability-range" Error "an availability target is not in (0, 100]";
    SlaUnitMismatch "sla-unit-mismatch" Error "an objective's unit does not fit its metric";
    SlaResponseExceedsResolution "sla-response-exceeds-resolution" Error "a response target is longer than the resolution target of the same priority";
    SlaEffectivePeriod "sla-effective-period" Error "an SLA's effective period ends before it starts";
    InvalidTimezone "invalid-timezone" Error "a time zone is not an IANA time zone name";
    InvalidCron "invalid-cron" Error "a cron expression does not parse";
    WindowSchedule "window-schedule" Error "a window is neither a proper one-off nor a proper recurring window";
    WindowEndBeforeStart "window-end-before-start" Error "a window ends before it starts";
    ChangeWindowMissing "change-window-missing" Error "a standard or normal change has no window";
    ChangeClosureMissing "change-closure-missing" Error "a closed change has no closure";
    ChangeTemplate "change-template" Error "a standard change names no template, or one the policy lacks";
    DuplicatePolicy "duplicate-policy" Error "the repository holds more than one policy";
    MissingPolicy "missing-policy" Warning "the repository holds no policy";
    PolicyLocation "policy-location" Error "the policy is not in the file cairn.yaml names";
    PolicyApprovalUnsatisfiable "policy-approval-unsatisfiable" Error "an approval rule asks a team for more approvals than it has members";
    PolicyRuleName "policy-rule-name" Error "two approval rules share a name, or one takes the name of a gate rule";
    PolicyInvalidPattern "policy-invalid-pattern" Error "a standard change's class pattern is not a glob";
    PolicyUnreachableRule "policy-unreachable-rule" Warning "a risk rule comes after a rule that matches every change";
    PolicyNoFallbackRisk "policy-no-fallback-risk" Warning "no risk rule matches every change";
    FormChoiceWithoutOptions "form-choice-without-options" Error "a choice field of a request form has no options";
    ScorecardInvalidCheck "scorecard-invalid-check" Error "a scorecard check sets none, or more than one, of field, related, link, contact and owner";
    ScorecardInvalidPath "scorecard-invalid-path" Error "a scorecard field path does not start at metadata or spec, or has an empty segment";
    ScorecardInvalidPattern "scorecard-invalid-pattern" Error "a scorecard's `matches` pattern is not a regular expression";
    ScorecardUnknownKind "scorecard-unknown-kind" Error "a scorecard's related check names no kind";
    ScorecardDuplicateName "scorecard-duplicate-name" Error "two levels or two checks of a scorecard share a name, or a level is called none";
    ScorecardNotANumber "scorecard-not-a-number" Error "a scorecard compares numbers on a value that is not a number in an entity it grades";
    // Change conflicts (`cairn conflicts`, not `validate`)
    AlreadyScheduled "already-scheduled" Error "another active change targets the same entity in an overlapping window";
    ParentAlreadyScheduled "parent-already-scheduled" Error "another active change targets an entity that depends on this target, in an overlapping window";
    ChildAlreadyScheduled "child-already-scheduled" Error "another active change targets an entity this target depends on, in an overlapping window";
    Blackout "blackout" Error "a change's window overlaps a freeze that covers its target or a service the target reaches";
    OutsideMaintenanceWindow "outside-maintenance-window" Error "a change's window is not inside one occurrence of the maintenance windows of its target or a service it reaches";
    // Hygiene warnings
    KbExpired "kb-expired" Warning "a knowledge article is past its validTo date";
    KbReviewDue "kb-review-due" Warning "a knowledge article is past its reviewBy date";
    CiNotVerified "ci-not-verified" Warning "a configuration item was not verified recently";
    Tier1WithoutSla "tier1-without-sla" Warning "a tier-1 service has no SLA";
    // Import (`cairn import backstage|servicenow`)
    ImportUnmapped "import-unmapped" Warning "something in an imported catalog or CMDB export has no cairn counterpart and was left out or simplified";
    ImportUnresolved "import-unresolved" Warning "an imported catalog or CMDB export refers to something it does not hold";
    ImportNameCollision "import-name-collision" Error "two imported entities get the same cairn name";
    ImportUnknownClass "import-unknown-class" Warning "a ServiceNow class is not in cairn's class table";
    ImportLocationTarget "import-location-target" Warning "a Backstage Location target is missing, a URL, or outside the imported directory";
    ImportInvalidSource "import-invalid-source" Error "a file given to an import is not an export or mapping cairn can read";
    // Service health
    SlaUnachievable "sla-unachievable" Warning "an availability target is above what the service's dependencies allow";
}

impl Code {
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}
