await FuncSync.FuncSyncHost.RunAsync(args);
