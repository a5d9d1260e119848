"""The workspace's pages, one module per area, each with its own ``routes`` (``web.RouteTableDef``);
``admin.app.make_app`` adds them in ``TABLES`` order (the order matters where patterns overlap:
``/{kind}/new`` before ``/{kind}/{id}``, both in ``editing``)."""
