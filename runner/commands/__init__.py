"""One module per sub-command. Each exposes `NAME`, `HELP`, `add_arguments(parser)` and
`run(args, options) -> int`; `runner.cli.COMMANDS` lists them."""
