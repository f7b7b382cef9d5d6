"""jobrunner: run recurring jobs defined as YAML files in a git repository.

Jobs and the Icinga 2 time periods they may run in live in a definitions directory;
`jobrunner lint` validates it in CI and `jobrunner run` / `run --forever` runs what is due.
"""

__version__ = "0.1.0.dev0"
