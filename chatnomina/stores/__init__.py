"""SQL, one module per aggregate. Functions take a pool or connection; records never leave."""
