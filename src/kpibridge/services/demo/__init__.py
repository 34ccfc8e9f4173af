"""The Acme Outdoor demo company: its data, KPIs, round and sign-ins."""
