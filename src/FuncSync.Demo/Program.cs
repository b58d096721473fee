await FuncSync.FuncSyncHost.RunLocalAsync(args, FuncSync.Demo.DemoEnvironment.PrepareAsync);
