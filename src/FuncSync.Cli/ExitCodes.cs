namespace FuncSync.Cli;

/// <summary>What <c>funcsync</c> exits with, so scripts can tell outcomes apart.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Reserved by System.CommandLine for an unhandled exception.</summary>
    public const int Crashed = 1;

    /// <summary>Wrong arguments or options.</summary>
    public const int Usage = 2;

    /// <summary>The API refused the request: validation errors, an unknown SKU, a wrong key.</summary>
    public const int Refused = 3;

    /// <summary>Reconcile found channels showing other figures than the ledger and did not fix them all,
    /// or status found SKUs in drift or oversold.</summary>
    public const int Drift = 4;

    /// <summary>The app could not be reached, timed out, or failed (5xx).</summary>
    public const int Unreachable = 5;

    /// <summary>The API accepted the work (an import) and its background job failed.</summary>
    public const int JobFailed = 6;
}
