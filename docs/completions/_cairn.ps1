
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cairn' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cairn'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'cairn' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every entity file against its schema and the cross-file rules')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Write the JSON Schemas of every kind (what `schemas/` holds)')
            [CompletionResult]::new('impact', 'impact', [CompletionResultType]::ParameterValue, 'What changed between two revisions and what it reaches (or, with --entity, what a change to those entities would reach)')
            [CompletionResult]::new('gate', 'gate', [CompletionResultType]::ParameterValue, 'May this pull request merge under the change policy of the base revision?')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Check the change policy, or run declarative policy test cases')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Export the dependency graph, or the neighbourhood of one entity')
            [CompletionResult]::new('score', 'score', [CompletionResultType]::ParameterValue, 'Grade entities against the scorecards: each one''s level and what the next level lacks')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render the service catalog and knowledge base as a static site or as Markdown')
            [CompletionResult]::new('conflicts', 'conflicts', [CompletionResultType]::ParameterValue, 'Change conflicts: active changes on the same or related entities at the same time, in a freeze, or outside a maintenance window (also against other revisions'' changes)')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Propose the next windows a change could take: inside the maintenance windows, outside the freezes, clear of other changes')
            [CompletionResult]::new('drift', 'drift', [CompletionResultType]::ParameterValue, 'Published knowledge articles whose services, CIs or catalog items changed after the article was last edited (walks the git history)')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a diagnostic code: what it means and how to fix it')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Start a new cairn repository: configuration, a commented policy, a team, a service with an SLA, schemas, CI workflows and a pre-commit hook. Never replaces a file')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import a Backstage catalog or a ServiceNow CMDB export as cairn files')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the repository for another tool (Backstage descriptors)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (or write every page with --out)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cairn;validate' {
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Check the tree of this git revision, read from git objects (no checkout)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'The date that date-based checks compare with (default: today; also `CAIRN_TODAY`)')
            [CompletionResult]::new('--deny-warnings', '--deny-warnings', [CompletionResultType]::ParameterName, 'Treat warnings as errors (exit 1 when there are any)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;schema' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write the schemas to (default: print the entity schema to stdout)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Instead of writing, check that DIR holds exactly what would be written (exit 1 if not)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the schema files in `catalog.json`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;impact' {
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'The base revision (any git syntax: a branch, a SHA, `HEAD~3`, `main...feature`)')
            [CompletionResult]::new('--head', '--head', [CompletionResultType]::ParameterName, 'The head revision (default: the working tree, so it works before committing)')
            [CompletionResult]::new('--entity', '--entity', [CompletionResultType]::ParameterName, 'What-if: report what a change to this entity would reach in the current tree (no git); repeatable, e.g. `--entity ci:pg-main`')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human, json, markdown (a pull-request comment) or github')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;gate' {
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'Where the diff starts; also where the policy, teams and windows are read unless --policy-rev or --event says otherwise. Default, with --event: the merge base of the event''s `pull_request.base.sha` and the head (the pull request''s own changes only); when given with --event, it must name that merge base or the event''s base commit')
            [CompletionResult]::new('--policy-rev', '--policy-rev', [CompletionResultType]::ParameterName, 'Read the policy, the teams and the windows from this revision instead of the base: the target branch''s tip, when the diff is taken from the merge base (`--base main...HEAD --policy-rev main`), so a pull request that branched before a policy change is still held to the current policy. Default, with --event: the event''s `pull_request.base.sha`')
            [CompletionResult]::new('--head', '--head', [CompletionResultType]::ParameterName, 'The head revision. Default: the event''s `pull_request.head.sha`; given with --event, it must be that commit')
            [CompletionResult]::new('--reviews', '--reviews', [CompletionResultType]::ParameterName, 'Reviews in the GitHub REST "list reviews for a pull request" format')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'A GitHub Actions `pull_request` or `pull_request_review` event payload (`$GITHUB_EVENT_PATH`): author, base and head commits, and the review it carries')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'The pull request''s author (default: the event''s `pull_request.user.login`; given with --event, it must be that login)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The merge time freezes are checked against, RFC 3339 (default: now), so any verdict can be reproduced later')
            [CompletionResult]::new('--against', '--against', [CompletionResultType]::ParameterName, 'Also compare the change requests of the diff with the active changes of this revision or ref glob (`''refs/remotes/origin/pr/*''`: other open pull requests), for the `conflicts` rule; repeatable')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human, json, markdown (a pull-request comment) or github')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;policy' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the change policy: its schema, its references, and rules that can never pass or never fire')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run the policy test cases in DIR: each a proposed change, its reviews and the time, with the verdict the gate must give')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cairn;policy;check' {
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Check the tree of this git revision, read from git objects (no checkout)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('--deny-warnings', '--deny-warnings', [CompletionResultType]::ParameterName, 'Treat warnings as errors (exit 1 when there are any)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;policy;test' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The repository whose policy is tested: a case''s base unless it names its own')
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Read the repository at this git revision instead of its files on disk')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human or json')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;policy;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the change policy: its schema, its references, and rules that can never pass or never fire')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run the policy test cases in DIR: each a proposed change, its reviews and the time, with the verdict the gate must give')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cairn;policy;help;check' {
            break
        }
        'cairn;policy;help;test' {
            break
        }
        'cairn;policy;help;help' {
            break
        }
        'cairn;graph' {
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Read the tree of this git revision instead of the files on disk')
            [CompletionResult]::new('--around', '--around', [CompletionResultType]::ParameterName, 'Only the neighbourhood of this entity, e.g. `service:checkout`')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'With --around: how many edges away, in either direction')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;score' {
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Read the tree of this git revision instead of the files on disk')
            [CompletionResult]::new('--scorecard', '--scorecard', [CompletionResultType]::ParameterName, 'Only this scorecard (by `metadata.name`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human, json or markdown')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;render' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write the site to (created if missing)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'An HTML site, or Markdown files with relative links (for a wiki or a docs folder)')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Directory of templates that replace the embedded ones, by file name (`service.html`)')
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Render the tree of this git revision instead of the files on disk')
            [CompletionResult]::new('--today', '--today', [CompletionResultType]::ParameterName, 'The date "upcoming", "past" and "needs review" are measured against (default: today)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite files in `--out` that an earlier render did not write (by default cairn stops rather than replace a file of yours)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;conflicts' {
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Read the tree of this git revision instead of the files on disk')
            [CompletionResult]::new('--against', '--against', [CompletionResultType]::ParameterName, 'Also compare with the active changes of this revision or ref glob (`''refs/remotes/origin/pr/*''`: open pull requests); repeatable')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'How many dependency edges away a parent or child change still conflicts')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The present, RFC 3339 (default: now): changes whose windows ended by then are done')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;schedule' {
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Read the tree of this git revision instead of the files on disk')
            [CompletionResult]::new('--against', '--against', [CompletionResultType]::ParameterName, 'Also compare with the active changes of this revision or ref glob (`''refs/remotes/origin/pr/*''`: open pull requests); repeatable')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'How many dependency edges away a parent or child change still conflicts')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The present, RFC 3339 (default: now): changes whose windows ended by then are done')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many windows to propose')
            [CompletionResult]::new('--within', '--within', [CompletionResultType]::ParameterName, 'How far ahead to look (a duration: `90d`, `12w`, `PT48H`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human or json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;drift' {
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Walk back from this revision (default: HEAD; uncommitted edits are not seen)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;explain' {
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List every code with its severity and summary')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;init' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;import' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('backstage', 'backstage', [CompletionResultType]::ParameterValue, 'Backstage descriptor files, directories of them, or Location files (their targets and globs are followed)')
            [CompletionResult]::new('servicenow', 'servicenow', [CompletionResultType]::ParameterValue, 'ServiceNow CMDB exports: Table API JSON, JSONv2 or CSV list exports')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cairn;import;backstage' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write one file per entity to (created if missing). A file there that no import wrote is never replaced')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of the findings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would change, as a unified diff, and write nothing')
            [CompletionResult]::new('--deny-warnings', '--deny-warnings', [CompletionResultType]::ParameterName, 'Exit 1 when there are warnings too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;import;servicenow' {
            [CompletionResult]::new('--cis', '--cis', [CompletionResultType]::ParameterName, 'Exports of `cmdb_ci` tables (CIs and services)')
            [CompletionResult]::new('--rels', '--rels', [CompletionResultType]::ParameterName, 'Exports of `cmdb_rel_ci` (relations)')
            [CompletionResult]::new('--groups', '--groups', [CompletionResultType]::ParameterName, 'Exports of `sys_user_group` (teams; names the groups CIs refer to by sys_id)')
            [CompletionResult]::new('--members', '--members', [CompletionResultType]::ParameterName, 'Exports of `sys_user_grmember` (group memberships: the teams'' members; add `user.user_name` and `user.email` to the exported fields for logins and emails)')
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'A YAML file of mappings that replace the defaults (docs/import.md)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write one file per entity to (created if missing). A file there that no import wrote is never replaced')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of the findings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would change, as a unified diff, and write nothing')
            [CompletionResult]::new('--deny-warnings', '--deny-warnings', [CompletionResultType]::ParameterName, 'Exit 1 when there are warnings too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;import;help' {
            [CompletionResult]::new('backstage', 'backstage', [CompletionResultType]::ParameterValue, 'Backstage descriptor files, directories of them, or Location files (their targets and globs are followed)')
            [CompletionResult]::new('servicenow', 'servicenow', [CompletionResultType]::ParameterValue, 'ServiceNow CMDB exports: Table API JSON, JSONv2 or CSV list exports')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cairn;import;help;backstage' {
            break
        }
        'cairn;import;help;servicenow' {
            break
        }
        'cairn;import;help;help' {
            break
        }
        'cairn;export' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('backstage', 'backstage', [CompletionResultType]::ParameterValue, 'Backstage descriptor files: Groups and Users, Components and Systems, Resources, and a Location (`catalog-info.yaml`) naming them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cairn;export;backstage' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write the descriptors to (created if missing). A file there that no export wrote is never replaced')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would change, as a unified diff, and write nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;export;help' {
            [CompletionResult]::new('backstage', 'backstage', [CompletionResultType]::ParameterValue, 'Backstage descriptor files: Groups and Users, Components and Systems, Resources, and a Location (`catalog-info.yaml`) naming them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cairn;export;help;backstage' {
            break
        }
        'cairn;export;help;help' {
            break
        }
        'cairn;completions' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the scripts for bash, zsh, fish and PowerShell into DIR instead (as `docs/completions/` holds them)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;man' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write `cairn.1` and one page per command (`cairn-validate.1` and so on) into DIR instead of printing `cairn.1`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Show no progress on long runs (it is only ever shown on a terminal, for human output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cairn;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check every entity file against its schema and the cross-file rules')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Write the JSON Schemas of every kind (what `schemas/` holds)')
            [CompletionResult]::new('impact', 'impact', [CompletionResultType]::ParameterValue, 'What changed between two revisions and what it reaches (or, with --entity, what a change to those entities would reach)')
            [CompletionResult]::new('gate', 'gate', [CompletionResultType]::ParameterValue, 'May this pull request merge under the change policy of the base revision?')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Check the change policy, or run declarative policy test cases')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Export the dependency graph, or the neighbourhood of one entity')
            [CompletionResult]::new('score', 'score', [CompletionResultType]::ParameterValue, 'Grade entities against the scorecards: each one''s level and what the next level lacks')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render the service catalog and knowledge base as a static site or as Markdown')
            [CompletionResult]::new('conflicts', 'conflicts', [CompletionResultType]::ParameterValue, 'Change conflicts: active changes on the same or related entities at the same time, in a freeze, or outside a maintenance window (also against other revisions'' changes)')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Propose the next windows a change could take: inside the maintenance windows, outside the freezes, clear of other changes')
            [CompletionResult]::new('drift', 'drift', [CompletionResultType]::ParameterValue, 'Published knowledge articles whose services, CIs or catalog items changed after the article was last edited (walks the git history)')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a diagnostic code: what it means and how to fix it')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Start a new cairn repository: configuration, a commented policy, a team, a service with an SLA, schemas, CI workflows and a pre-commit hook. Never replaces a file')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import a Backstage catalog or a ServiceNow CMDB export as cairn files')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the repository for another tool (Backstage descriptors)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (or write every page with --out)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cairn;help;validate' {
            break
        }
        'cairn;help;schema' {
            break
        }
        'cairn;help;impact' {
            break
        }
        'cairn;help;gate' {
            break
        }
        'cairn;help;policy' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the change policy: its schema, its references, and rules that can never pass or never fire')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run the policy test cases in DIR: each a proposed change, its reviews and the time, with the verdict the gate must give')
            break
        }
        'cairn;help;policy;check' {
            break
        }
        'cairn;help;policy;test' {
            break
        }
        'cairn;help;graph' {
            break
        }
        'cairn;help;score' {
            break
        }
        'cairn;help;render' {
            break
        }
        'cairn;help;conflicts' {
            break
        }
        'cairn;help;schedule' {
            break
        }
        'cairn;help;drift' {
            break
        }
        'cairn;help;explain' {
            break
        }
        'cairn;help;init' {
            break
        }
        'cairn;help;import' {
            [CompletionResult]::new('backstage', 'backstage', [CompletionResultType]::ParameterValue, 'Backstage descriptor files, directories of them, or Location files (their targets and globs are followed)')
            [CompletionResult]::new('servicenow', 'servicenow', [CompletionResultType]::ParameterValue, 'ServiceNow CMDB exports: Table API JSON, JSONv2 or CSV list exports')
            break
        }
        'cairn;help;import;backstage' {
            break
        }
        'cairn;help;import;servicenow' {
            break
        }
        'cairn;help;export' {
            [CompletionResult]::new('backstage', 'backstage', [CompletionResultType]::ParameterValue, 'Backstage descriptor files: Groups and Users, Components and Systems, Resources, and a Location (`catalog-info.yaml`) naming them')
            break
        }
        'cairn;help;export;backstage' {
            break
        }
        'cairn;help;completions' {
            break
        }
        'cairn;help;man' {
            break
        }
        'cairn;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
