"""State changes of the mobility app, one module per area. Each is atomic and audited."""
