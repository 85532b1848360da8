# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cairn_global_optspecs
    string join \n q/quiet h/help V/version
end

function __fish_cairn_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cairn_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cairn_using_subcommand
    set -l cmd (__fish_cairn_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cairn -n "__fish_cairn_needs_command" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_needs_command" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_needs_command" -s V -l version -d 'Print version'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "validate" -d 'Check every entity file against its schema and the cross-file rules'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "schema" -d 'Write the JSON Schemas of every kind (what `schemas/` holds)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "impact" -d 'What changed between two revisions and what it reaches (or, with --entity, what a change to those entities would reach)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "gate" -d 'May this pull request merge under the change policy of the base revision?'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "policy" -d 'Check the change policy, or run declarative policy test cases'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "graph" -d 'Export the dependency graph, or the neighbourhood of one entity'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "score" -d 'Grade entities against the scorecards: each one\'s level and what the next level lacks'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "render" -d 'Render the service catalog and knowledge base as a static site or as Markdown'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "conflicts" -d 'Change conflicts: active changes on the same or related entities at the same time, in a freeze, or outside a maintenance window (also against other revisions\' changes)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "schedule" -d 'Propose the next windows a change could take: inside the maintenance windows, outside the freezes, clear of other changes'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "drift" -d 'Published knowledge articles whose services, CIs or catalog items changed after the article was last edited (walks the git history)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "explain" -d 'Explain a diagnostic code: what it means and how to fix it'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "init" -d 'Start a new cairn repository: configuration, a commented policy, a team, a service with an SLA, schemas, CI workflows and a pre-commit hook. Never replaces a file'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "import" -d 'Import a Backstage catalog or a ServiceNow CMDB export as cairn files'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "export" -d 'Export the repository for another tool (Backstage descriptors)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "man" -d 'Print the man page (or write every page with --out)'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand validate" -l rev -d 'Check the tree of this git revision, read from git objects (no checkout)' -r
complete -c cairn -n "__fish_cairn_using_subcommand validate" -l format -d 'Output format' -r -f -a "human\t''
json\t''
sarif\t''
github\t''
gitlab\t''
markdown\t''"
complete -c cairn -n "__fish_cairn_using_subcommand validate" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cairn -n "__fish_cairn_using_subcommand validate" -l today -d 'The date that date-based checks compare with (default: today; also `CAIRN_TODAY`)' -r
complete -c cairn -n "__fish_cairn_using_subcommand validate" -l deny-warnings -d 'Treat warnings as errors (exit 1 when there are any)'
complete -c cairn -n "__fish_cairn_using_subcommand validate" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand validate" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand schema" -l out -d 'Directory to write the schemas to (default: print the entity schema to stdout)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand schema" -l check -d 'Instead of writing, check that DIR holds exactly what would be written (exit 1 if not)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand schema" -l base-url -d 'Base URL of the schema files in `catalog.json`' -r
complete -c cairn -n "__fish_cairn_using_subcommand schema" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand schema" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand impact" -l base -d 'The base revision (any git syntax: a branch, a SHA, `HEAD~3`, `main...feature`)' -r
complete -c cairn -n "__fish_cairn_using_subcommand impact" -l head -d 'The head revision (default: the working tree, so it works before committing)' -r
complete -c cairn -n "__fish_cairn_using_subcommand impact" -l entity -d 'What-if: report what a change to this entity would reach in the current tree (no git); repeatable, e.g. `--entity ci:pg-main`' -r
complete -c cairn -n "__fish_cairn_using_subcommand impact" -l format -d 'Output format: human, json, markdown (a pull-request comment) or github' -r -f -a "human\t''
json\t''
markdown\t''
github\t''"
complete -c cairn -n "__fish_cairn_using_subcommand impact" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand impact" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l base -d 'Where the diff starts; also where the policy, teams and windows are read unless --policy-rev or --event says otherwise. Default, with --event: the merge base of the event\'s `pull_request.base.sha` and the head (the pull request\'s own changes only); when given with --event, it must name that merge base or the event\'s base commit' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l policy-rev -d 'Read the policy, the teams and the windows from this revision instead of the base: the target branch\'s tip, when the diff is taken from the merge base (`--base main...HEAD --policy-rev main`), so a pull request that branched before a policy change is still held to the current policy. Default, with --event: the event\'s `pull_request.base.sha`' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l head -d 'The head revision. Default: the event\'s `pull_request.head.sha`; given with --event, it must be that commit' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l reviews -d 'Reviews in the GitHub REST "list reviews for a pull request" format' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l event -d 'A GitHub Actions `pull_request` or `pull_request_review` event payload (`$GITHUB_EVENT_PATH`): author, base and head commits, and the review it carries' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l author -d 'The pull request\'s author (default: the event\'s `pull_request.user.login`; given with --event, it must be that login)' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l now -d 'The merge time freezes are checked against, RFC 3339 (default: now), so any verdict can be reproduced later' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l against -d 'Also compare the change requests of the diff with the active changes of this revision or ref glob (`\'refs/remotes/origin/pr/*\'`: other open pull requests), for the `conflicts` rule; repeatable' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l format -d 'Output format: human, json, markdown (a pull-request comment) or github' -r -f -a "human\t''
json\t''
markdown\t''
github\t''"
complete -c cairn -n "__fish_cairn_using_subcommand gate" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand gate" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and not __fish_seen_subcommand_from check test help" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and not __fish_seen_subcommand_from check test help" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and not __fish_seen_subcommand_from check test help" -f -a "check" -d 'Check the change policy: its schema, its references, and rules that can never pass or never fire'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and not __fish_seen_subcommand_from check test help" -f -a "test" -d 'Run the policy test cases in DIR: each a proposed change, its reviews and the time, with the verdict the gate must give'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and not __fish_seen_subcommand_from check test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from check" -l rev -d 'Check the tree of this git revision, read from git objects (no checkout)' -r
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from check" -l format -d 'Output format' -r -f -a "human\t''
json\t''
sarif\t''
github\t''
gitlab\t''
markdown\t''"
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from check" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from check" -l deny-warnings -d 'Treat warnings as errors (exit 1 when there are any)'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from test" -l repo -d 'The repository whose policy is tested: a case\'s base unless it names its own' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from test" -l rev -d 'Read the repository at this git revision instead of its files on disk' -r
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from test" -l format -d 'Output format: human or json' -r -f -a "human\t''
json\t''"
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from test" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check the change policy: its schema, its references, and rules that can never pass or never fire'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "test" -d 'Run the policy test cases in DIR: each a proposed change, its reviews and the time, with the verdict the gate must give'
complete -c cairn -n "__fish_cairn_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand graph" -l rev -d 'Read the tree of this git revision instead of the files on disk' -r
complete -c cairn -n "__fish_cairn_using_subcommand graph" -l around -d 'Only the neighbourhood of this entity, e.g. `service:checkout`' -r
complete -c cairn -n "__fish_cairn_using_subcommand graph" -l depth -d 'With --around: how many edges away, in either direction' -r
complete -c cairn -n "__fish_cairn_using_subcommand graph" -l format -d 'Output format' -r -f -a "dot\t''
mermaid\t''
json\t''"
complete -c cairn -n "__fish_cairn_using_subcommand graph" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand graph" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand score" -l rev -d 'Read the tree of this git revision instead of the files on disk' -r
complete -c cairn -n "__fish_cairn_using_subcommand score" -l scorecard -d 'Only this scorecard (by `metadata.name`)' -r
complete -c cairn -n "__fish_cairn_using_subcommand score" -l format -d 'Output format: human, json or markdown' -r -f -a "human\t''
json\t''
sarif\t''
github\t''
gitlab\t''
markdown\t''"
complete -c cairn -n "__fish_cairn_using_subcommand score" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand score" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand render" -l out -d 'Directory to write the site to (created if missing)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand render" -l format -d 'An HTML site, or Markdown files with relative links (for a wiki or a docs folder)' -r -f -a "html\t''
markdown\t''"
complete -c cairn -n "__fish_cairn_using_subcommand render" -l templates -d 'Directory of templates that replace the embedded ones, by file name (`service.html`)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand render" -l rev -d 'Render the tree of this git revision instead of the files on disk' -r
complete -c cairn -n "__fish_cairn_using_subcommand render" -l today -d 'The date "upcoming", "past" and "needs review" are measured against (default: today)' -r
complete -c cairn -n "__fish_cairn_using_subcommand render" -l force -d 'Overwrite files in `--out` that an earlier render did not write (by default cairn stops rather than replace a file of yours)'
complete -c cairn -n "__fish_cairn_using_subcommand render" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand render" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand conflicts" -l rev -d 'Read the tree of this git revision instead of the files on disk' -r
complete -c cairn -n "__fish_cairn_using_subcommand conflicts" -l against -d 'Also compare with the active changes of this revision or ref glob (`\'refs/remotes/origin/pr/*\'`: open pull requests); repeatable' -r
complete -c cairn -n "__fish_cairn_using_subcommand conflicts" -l depth -d 'How many dependency edges away a parent or child change still conflicts' -r
complete -c cairn -n "__fish_cairn_using_subcommand conflicts" -l now -d 'The present, RFC 3339 (default: now): changes whose windows ended by then are done' -r
complete -c cairn -n "__fish_cairn_using_subcommand conflicts" -l format -d 'Output format' -r -f -a "human\t''
json\t''
sarif\t''
github\t''
gitlab\t''
markdown\t''"
complete -c cairn -n "__fish_cairn_using_subcommand conflicts" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cairn -n "__fish_cairn_using_subcommand conflicts" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand conflicts" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand schedule" -l rev -d 'Read the tree of this git revision instead of the files on disk' -r
complete -c cairn -n "__fish_cairn_using_subcommand schedule" -l against -d 'Also compare with the active changes of this revision or ref glob (`\'refs/remotes/origin/pr/*\'`: open pull requests); repeatable' -r
complete -c cairn -n "__fish_cairn_using_subcommand schedule" -l depth -d 'How many dependency edges away a parent or child change still conflicts' -r
complete -c cairn -n "__fish_cairn_using_subcommand schedule" -l now -d 'The present, RFC 3339 (default: now): changes whose windows ended by then are done' -r
complete -c cairn -n "__fish_cairn_using_subcommand schedule" -l count -d 'How many windows to propose' -r
complete -c cairn -n "__fish_cairn_using_subcommand schedule" -l within -d 'How far ahead to look (a duration: `90d`, `12w`, `PT48H`)' -r
complete -c cairn -n "__fish_cairn_using_subcommand schedule" -l format -d 'Output format: human or json' -r -f -a "human\t''
json\t''
sarif\t''
github\t''
gitlab\t''
markdown\t''"
complete -c cairn -n "__fish_cairn_using_subcommand schedule" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand schedule" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand drift" -l rev -d 'Walk back from this revision (default: HEAD; uncommitted edits are not seen)' -r
complete -c cairn -n "__fish_cairn_using_subcommand drift" -l format -d 'Output format' -r -f -a "human\t''
json\t''
markdown\t''"
complete -c cairn -n "__fish_cairn_using_subcommand drift" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand drift" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand explain" -l list -d 'List every code with its severity and summary'
complete -c cairn -n "__fish_cairn_using_subcommand explain" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand explain" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand init" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand init" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand import; and not __fish_seen_subcommand_from backstage servicenow help" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand import; and not __fish_seen_subcommand_from backstage servicenow help" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand import; and not __fish_seen_subcommand_from backstage servicenow help" -f -a "backstage" -d 'Backstage descriptor files, directories of them, or Location files (their targets and globs are followed)'
complete -c cairn -n "__fish_cairn_using_subcommand import; and not __fish_seen_subcommand_from backstage servicenow help" -f -a "servicenow" -d 'ServiceNow CMDB exports: Table API JSON, JSONv2 or CSV list exports'
complete -c cairn -n "__fish_cairn_using_subcommand import; and not __fish_seen_subcommand_from backstage servicenow help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from backstage" -l out -d 'Directory to write one file per entity to (created if missing). A file there that no import wrote is never replaced' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from backstage" -l format -d 'Format of the findings' -r -f -a "human\t''
json\t''
sarif\t''
github\t''
gitlab\t''
markdown\t''"
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from backstage" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from backstage" -l dry-run -d 'Print what would change, as a unified diff, and write nothing'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from backstage" -l deny-warnings -d 'Exit 1 when there are warnings too'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from backstage" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from backstage" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -l cis -d 'Exports of `cmdb_ci` tables (CIs and services)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -l rels -d 'Exports of `cmdb_rel_ci` (relations)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -l groups -d 'Exports of `sys_user_group` (teams; names the groups CIs refer to by sys_id)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -l members -d 'Exports of `sys_user_grmember` (group memberships: the teams\' members; add `user.user_name` and `user.email` to the exported fields for logins and emails)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -l map -d 'A YAML file of mappings that replace the defaults (docs/import.md)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -l out -d 'Directory to write one file per entity to (created if missing). A file there that no import wrote is never replaced' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -l format -d 'Format of the findings' -r -f -a "human\t''
json\t''
sarif\t''
github\t''
gitlab\t''
markdown\t''"
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -l dry-run -d 'Print what would change, as a unified diff, and write nothing'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -l deny-warnings -d 'Exit 1 when there are warnings too'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from servicenow" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "backstage" -d 'Backstage descriptor files, directories of them, or Location files (their targets and globs are followed)'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "servicenow" -d 'ServiceNow CMDB exports: Table API JSON, JSONv2 or CSV list exports'
complete -c cairn -n "__fish_cairn_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand export; and not __fish_seen_subcommand_from backstage help" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand export; and not __fish_seen_subcommand_from backstage help" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand export; and not __fish_seen_subcommand_from backstage help" -f -a "backstage" -d 'Backstage descriptor files: Groups and Users, Components and Systems, Resources, and a Location (`catalog-info.yaml`) naming them'
complete -c cairn -n "__fish_cairn_using_subcommand export; and not __fish_seen_subcommand_from backstage help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand export; and __fish_seen_subcommand_from backstage" -l out -d 'Directory to write the descriptors to (created if missing). A file there that no export wrote is never replaced' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand export; and __fish_seen_subcommand_from backstage" -l dry-run -d 'Print what would change, as a unified diff, and write nothing'
complete -c cairn -n "__fish_cairn_using_subcommand export; and __fish_seen_subcommand_from backstage" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand export; and __fish_seen_subcommand_from backstage" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "backstage" -d 'Backstage descriptor files: Groups and Users, Components and Systems, Resources, and a Location (`catalog-info.yaml`) naming them'
complete -c cairn -n "__fish_cairn_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l out -d 'Write the scripts for bash, zsh, fish and PowerShell into DIR instead (as `docs/completions/` holds them)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand completions" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand man" -l out -d 'Write `cairn.1` and one page per command (`cairn-validate.1` and so on) into DIR instead of printing `cairn.1`' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand man" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand man" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "validate" -d 'Check every entity file against its schema and the cross-file rules'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "schema" -d 'Write the JSON Schemas of every kind (what `schemas/` holds)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "impact" -d 'What changed between two revisions and what it reaches (or, with --entity, what a change to those entities would reach)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "gate" -d 'May this pull request merge under the change policy of the base revision?'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "policy" -d 'Check the change policy, or run declarative policy test cases'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "graph" -d 'Export the dependency graph, or the neighbourhood of one entity'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "score" -d 'Grade entities against the scorecards: each one\'s level and what the next level lacks'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "render" -d 'Render the service catalog and knowledge base as a static site or as Markdown'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "conflicts" -d 'Change conflicts: active changes on the same or related entities at the same time, in a freeze, or outside a maintenance window (also against other revisions\' changes)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "schedule" -d 'Propose the next windows a change could take: inside the maintenance windows, outside the freezes, clear of other changes'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "drift" -d 'Published knowledge articles whose services, CIs or catalog items changed after the article was last edited (walks the git history)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "explain" -d 'Explain a diagnostic code: what it means and how to fix it'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "init" -d 'Start a new cairn repository: configuration, a commented policy, a team, a service with an SLA, schemas, CI workflows and a pre-commit hook. Never replaces a file'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "import" -d 'Import a Backstage catalog or a ServiceNow CMDB export as cairn files'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "export" -d 'Export the repository for another tool (Backstage descriptors)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "man" -d 'Print the man page (or write every page with --out)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph score render conflicts schedule drift explain init import export completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "check" -d 'Check the change policy: its schema, its references, and rules that can never pass or never fire'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "test" -d 'Run the policy test cases in DIR: each a proposed change, its reviews and the time, with the verdict the gate must give'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "backstage" -d 'Backstage descriptor files, directories of them, or Location files (their targets and globs are followed)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "servicenow" -d 'ServiceNow CMDB exports: Table API JSON, JSONv2 or CSV list exports'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from export" -f -a "backstage" -d 'Backstage descriptor files: Groups and Users, Components and Systems, Resources, and a Location (`catalog-info.yaml`) naming them'
