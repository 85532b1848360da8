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
complete -c cairn -n "__fish_cairn_needs_command" -f -a "render" -d 'Render the service catalog and knowledge base as a static site or as Markdown'
complete -c cairn -n "__fish_cairn_needs_command" -f -a "explain" -d 'Explain a diagnostic code: what it means and how to fix it'
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
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l base -d 'The base revision: the policy, teams and windows are read from here. Default: the event\'s `pull_request.base.sha`' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l policy-rev -d 'Read the policy, the teams and the windows from this revision instead of the base: the target branch\'s tip, when the diff is taken from the merge base (`--base main...HEAD --policy-rev main`), so a pull request that branched before a policy change is still held to the current policy' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l head -d 'The head revision. Default: the event\'s `pull_request.head.sha`' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l reviews -d 'Reviews in the GitHub REST "list reviews for a pull request" format' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l event -d 'A GitHub Actions `pull_request` or `pull_request_review` event payload (`$GITHUB_EVENT_PATH`): author, base and head commits, and the review it carries' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l author -d 'The pull request\'s author, when there is no event file' -r
complete -c cairn -n "__fish_cairn_using_subcommand gate" -l now -d 'The merge time freezes are checked against, RFC 3339 (default: now), so any verdict can be reproduced later' -r
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
complete -c cairn -n "__fish_cairn_using_subcommand render" -l out -d 'Directory to write the site to (created if missing)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand render" -l format -d 'An HTML site, or Markdown files with relative links (for a wiki or a docs folder)' -r -f -a "html\t''
markdown\t''"
complete -c cairn -n "__fish_cairn_using_subcommand render" -l templates -d 'Directory of templates that replace the embedded ones, by file name (`service.html`)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand render" -l rev -d 'Render the tree of this git revision instead of the files on disk' -r
complete -c cairn -n "__fish_cairn_using_subcommand render" -l today -d 'The date "upcoming", "past" and "needs review" are measured against (default: today)' -r
complete -c cairn -n "__fish_cairn_using_subcommand render" -l force -d 'Overwrite files in `--out` that an earlier render did not write (by default cairn stops rather than replace a file of yours)'
complete -c cairn -n "__fish_cairn_using_subcommand render" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand render" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand explain" -l list -d 'List every code with its severity and summary'
complete -c cairn -n "__fish_cairn_using_subcommand explain" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand explain" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -l out -d 'Write the scripts for bash, zsh, fish and PowerShell into DIR instead (as `docs/completions/` holds them)' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand completions" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand completions" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand man" -l out -d 'Write `cairn.1` and one page per command (`cairn-validate.1` and so on) into DIR instead of printing `cairn.1`' -r -F
complete -c cairn -n "__fish_cairn_using_subcommand man" -s q -l quiet -d 'Show no progress on long runs (it is only ever shown on a terminal, for human output)'
complete -c cairn -n "__fish_cairn_using_subcommand man" -s h -l help -d 'Print help'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "validate" -d 'Check every entity file against its schema and the cross-file rules'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "schema" -d 'Write the JSON Schemas of every kind (what `schemas/` holds)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "impact" -d 'What changed between two revisions and what it reaches (or, with --entity, what a change to those entities would reach)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "gate" -d 'May this pull request merge under the change policy of the base revision?'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "policy" -d 'Check the change policy, or run declarative policy test cases'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "graph" -d 'Export the dependency graph, or the neighbourhood of one entity'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "render" -d 'Render the service catalog and knowledge base as a static site or as Markdown'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "explain" -d 'Explain a diagnostic code: what it means and how to fix it'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "man" -d 'Print the man page (or write every page with --out)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and not __fish_seen_subcommand_from validate schema impact gate policy graph render explain completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "check" -d 'Check the change policy: its schema, its references, and rules that can never pass or never fire'
complete -c cairn -n "__fish_cairn_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "test" -d 'Run the policy test cases in DIR: each a proposed change, its reviews and the time, with the verdict the gate must give'
