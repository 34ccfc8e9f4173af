"""Data in and between warehouses: checked file loads and copies to another engine."""
