"""Thin command-line interface over the library. Each ``cmd_*.py`` module registers one command group."""
