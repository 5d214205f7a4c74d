from claims.cli import cli

cli()
