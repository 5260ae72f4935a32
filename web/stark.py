"""The CRM's pages: each model registered with stark, one handler module per model or flow."""
