"""One module per `samfunn` subcommand; see `samfunn_data.cli.COMMANDS`."""
