using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FuncSync.App.Tests.Hosting;

/// <summary>Compiles and lints every template under infra/ with the Bicep CLI restored from NuGet: type
/// errors, unknown properties for the pinned API versions and linter warnings all fail the build here,
/// long before a deployment would. No Azure login is involved.</summary>
public sealed class BicepTemplateTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static TheoryData<string> Templates()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot(), "infra"), "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoRoot(), file).Replace('\\', '/'));
        }

        return data;
    }

    [Fact]
    public void Templates_Infra_HasTheFunctionAppAndTheContainerApp()
    {
        var templates = Directory.EnumerateFiles(Path.Combine(RepoRoot(), "infra"), "*.bicep")
            .Select(f => "infra/" + Path.GetFileName(f))
            .ToList();

        Assert.Contains("infra/main.bicep", templates);
        Assert.Contains("infra/containerapp.bicep", templates);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Build_Template_CompilesWithoutErrorsOrLinterWarnings(string template)
    {
        var (exitCode, output, diagnostics) = await RunBicepAsync("build", template, "--stdout");

        Assert.True(exitCode == 0, $"bicep build {template} exited {exitCode}:\n{diagnostics}");
        Assert.True(string.IsNullOrWhiteSpace(diagnostics), $"bicep build {template} reported:\n{diagnostics}");
        Assert.NotNull(JsonNode.Parse(output)?["resources"]);
    }

    [Fact]
    public async Task BuildParams_MainParameters_SetEveryRequiredParameterOfMain()
    {
        var (exitCode, output, diagnostics) = await RunBicepAsync("build-params", "infra/main.bicepparam", "--stdout");

        Assert.True(exitCode == 0 && string.IsNullOrWhiteSpace(diagnostics), $"bicep build-params exited {exitCode}:\n{diagnostics}");
        var compiled = JsonNode.Parse(output)!;
        var parameters = JsonNode.Parse((string)compiled["parametersJson"]!)!["parameters"]!.AsObject();
        var template = JsonNode.Parse((string)compiled["templateJson"]!)!["parameters"]!.AsObject();
        var required = template.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key);
        Assert.All(required, name => Assert.True(parameters.ContainsKey(name), $"main.bicepparam does not set required parameter '{name}'"));
    }

    /// <summary>Every secret a channel reads, as an app setting: the string options named like a credential in the
    /// options classes with a <c>Section</c> (Shopify, Etsy, Square, eBay, Amazon, WooCommerce...).</summary>
    public static TheoryData<string> SecretSettings() => [.. SecretSettingNames()];

    private static List<string> SecretSettingNames()
    {
        var credential = new Regex("(Secret|Token|Keystring|ConsumerKey|SignatureKey|AccessKey|AccessKeyId|ClientId)$", RegexOptions.CultureInvariant);
        var data = new List<string>();
        var options = typeof(FuncSync.Square.SquareOptions).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && t.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true });
        foreach (var type in options.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var section = (string)type.GetField("Section")!.GetRawConstantValue()!;
            foreach (var property in type.GetProperties().Where(p => p.PropertyType == typeof(string) && credential.IsMatch(p.Name)))
            {
                data.Add(section + "__" + property.Name);
            }
        }

        return data;
    }

    [Fact]
    public void SecretSettings_ChannelsRead_IncludeEveryChannelsCredentials()
    {
        var settings = SecretSettingNames();

        // A check that the reflection above still finds what it is meant to (a rename would empty it silently).
        Assert.Contains("Square__RefreshToken", settings);
        Assert.Contains("Square__ApplicationSecret", settings);
        Assert.Contains("Ebay__ClientSecret", settings);
        Assert.Contains("Amazon__AwsSecretAccessKey", settings);
        Assert.Contains("WooCommerce__WebhookSecret", settings);
    }

    [Theory]
    [MemberData(nameof(SecretSettings))]
    public void HostingTemplates_SecretSetting_OnlyEverAKeyVaultReference(string setting)
    {
        var secrets = File.ReadAllText(Path.Combine(RepoRoot(), "infra", "modules", "channelsecrets.bicep"));
        Assert.Matches(new Regex($@"^\s*{Regex.Escape(setting)}: '[a-z0-9-]+'\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant), secrets);
        foreach (var template in new[] { "main.bicep", "containerapp.bicep" })
        {
            var text = File.ReadAllText(Path.Combine(RepoRoot(), "infra", template));

            // Each hosting template takes its secret settings from the shared map (main.bicep as Key Vault references,
            // the container app as secrets read from the vault), and never sets one any other way.
            Assert.Contains("import { channelVaultSecrets } from 'modules/channelsecrets.bicep'", text, StringComparison.Ordinal);
            Assert.Contains("channelVaultSecrets({", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(new Regex($@"\b{Regex.Escape(setting)}\b", RegexOptions.CultureInvariant), text);
        }
    }

    [Fact]
    public void ChannelFunctions_EveryOptionalChannelsFunction_SwitchedOffByTheTemplatesWithItsChannel()
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "infra", "modules", "channelfunctions.bicep"));
        var functions = FuncSync.Hosting.Functions.FunctionIndex.Read(typeof(FuncSyncHost).Assembly);
        foreach (var module in FuncSync.Channels.ChannelModules.All)
        {
            var declared = FuncSync.Channels.ChannelFunctionSwitches.FunctionsOf(module, functions).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(declared);

            // The templates always turn Shopify and Etsy on; every other channel's list is exactly what its folder declares.
            var key = char.ToLowerInvariant(module.Section[0]) + module.Section[1..];
            var listed = Regex.Match(text, $@"^\s*{Regex.Escape(key)}: \[(?<names>[^\]]*)\]", RegexOptions.Multiline | RegexOptions.CultureInvariant);
            if (module.Channel is FuncSync.Domain.Channel.Shopify or FuncSync.Domain.Channel.Etsy)
            {
                Assert.False(listed.Success, $"{module.Section} is always on in the templates");
                continue;
            }

            Assert.True(listed.Success, $"infra/modules/channelfunctions.bicep lists {module.Section}'s functions");
            var names = Regex.Matches(listed.Groups["names"].Value, "'(?<name>[A-Za-z0-9]+)'").Select(m => m.Groups["name"].Value).Order(StringComparer.Ordinal);
            Assert.Equal(declared, names);
        }

        foreach (var template in new[] { "main.bicep", "containerapp.bicep" })
        {
            var hosting = File.ReadAllText(Path.Combine(RepoRoot(), "infra", template));
            Assert.Contains("import { disabledChannelFunctions } from 'modules/channelfunctions.bicep'", hosting, StringComparison.Ordinal);
            Assert.Contains("disabledChannelFunctions({", hosting, StringComparison.Ordinal);
        }
    }

    private static async Task<(int ExitCode, string Output, string Diagnostics)> RunBicepAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(BicepCli())
        {
            WorkingDirectory = RepoRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The CLI is a .NET app: without ICU on the machine it must run invariant, as FuncSync does.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        using var timeout = new CancellationTokenSource(Timeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var diagnostics = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await diagnostics);
    }

    /// <summary>The CLI from the Azure.Bicep.CommandLine package this project downloads (see the csproj).</summary>
    private static string BicepCli()
    {
        var path = typeof(BicepTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCli").Value!;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The Bicep CLI is not at {path}: restore tests/FuncSync.App.Tests (it downloads the package for Linux x64).", path);
        }

        // NuGet does not promise to keep the exec bit of files it extracts.
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FuncSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FuncSync.sln above {AppContext.BaseDirectory}.");
    }
}
