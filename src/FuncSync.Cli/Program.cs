namespace FuncSync.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) =>
        new CliApp(Console.Out, Console.Error, Environment.GetEnvironmentVariable).RunAsync(args);
}
