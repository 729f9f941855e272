"""Generated from proto/ by client-sdk/python/generate.py. Do not edit."""
