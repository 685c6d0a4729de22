"""Networks held for clients, split by job: pure pass transitions (passes), one network with
its lock (network), its data and training state (workbench), the plot (plot), and the store."""
