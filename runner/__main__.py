"""`python -m runner` is the same as the `jobrunner` console script."""

from runner.cli import main

raise SystemExit(main())
