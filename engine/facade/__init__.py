"""The pieces of the Engine facade, one module per topic; ``engine.api`` assembles them."""
