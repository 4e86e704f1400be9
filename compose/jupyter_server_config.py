# Jupyter server settings for the pack's Jupyter bridge.
#
# TCP_NODELAY on kernel websockets: without it, every execute round trip waits on Nagle's algorithm
# and delayed ACKs (measured on the project's machines: median 48 ms; with it: 6 ms).
c = get_config()  # noqa: F821  (provided by Jupyter when it loads this file)


def _enable_nodelay():
    try:  # jupyter_server 1.x
        from jupyter_server.services.kernels.handlers import ZMQChannelsHandler as handler
    except ImportError:  # jupyter_server 2.x
        from jupyter_server.services.kernels.websocket import KernelWebsocketHandler as handler

    original_open = handler.open

    def open_with_nodelay(self, *args, **kwargs):
        self.set_nodelay(True)
        return original_open(self, *args, **kwargs)

    handler.open = open_with_nodelay


_enable_nodelay()

# Kernels the bridge forgets about (it crashed, or lost them) are culled by Jupyter itself.
c.MappingKernelManager.cull_idle_timeout = 4 * 3600
c.MappingKernelManager.cull_interval = 300

# The bridge caps output itself; Jupyter's default limit (1 MB/s) drops ordinary large prints.
# A higher ceiling still protects against floods of gigabytes.
c.ServerApp.iopub_data_rate_limit = 100_000_000
