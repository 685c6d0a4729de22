"""Networks held for clients, split by job: pure pass transitions (passes), one network with
its lock (network), its data and epoch (workbench), the plotted node (plot), the frozen
results of its calls (results), and the LRU store (store)."""
