"""The demo programme: fixed people and records at known stages, built through the same services as real use.

Each module seeds one area and is idempotent: it looks up what exists by stable keys and adds what is missing.
"""

DEMO_PASSWORD = "wellbeing-demo-passphrase"
