namespace FuncSync.Hosting.Tests;

public sealed class FunctionsHostEnvironmentTests
{
    [Fact]
    public void Detect_NoHostArgumentOrVariable_IsLocal()
    {
        Assert.Equal(FunctionsRunMode.Local, FunctionsHostEnvironment.Detect(["--urls", "http://127.0.0.1:7071"], _ => null));
    }

    [Fact]
    public void Detect_HostEndpointArgument_IsWorker()
    {
        // How the Functions host starts a dotnet-isolated worker.
        string[] args = ["--host", "127.0.0.1", "--port", "50051", "--functions-uri", "http://127.0.0.1:50051/", "--functions-worker-id", "w1"];
        Assert.Equal(FunctionsRunMode.Worker, FunctionsHostEnvironment.Detect(args, _ => null));
    }

    [Fact]
    public void Detect_HostEndpointVariable_IsWorker()
    {
        Assert.Equal(
            FunctionsRunMode.Worker,
            FunctionsHostEnvironment.Detect([], name => name == FunctionsHostEnvironment.HostEndpointVariable ? "http://127.0.0.1:50051/" : null));
    }

    [Fact]
    public void Detect_WorkerRuntimeSettingAlone_StaysLocal()
    {
        // local.settings.json says dotnet-isolated for Core Tools; that alone must not switch dotnet run to worker mode.
        Assert.Equal(FunctionsRunMode.Local, FunctionsHostEnvironment.Detect([], name => name == "FUNCTIONS_WORKER_RUNTIME" ? "dotnet-isolated" : null));
    }
}
