"""migsafe on GitHub pull requests: the logic behind the repository's action.yml (the YAML
only calls it), and the small REST client that keeps one PR comment up to date."""
