namespace FuncSync.Simulators.Hosting;

/// <summary>
/// Ids and GUIDs drawn from one seeded generator, so two runs with the same seed produce the same payloads.
/// Not thread-safe: callers hold their simulator's lock.
/// </summary>
internal sealed class SeededIds(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>A start value in [min, min + spread), used to make id ranges look like the real service's.</summary>
    public long NextStart(long min, long spread) => min + _random.NextInt64(spread);

    public Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        // Mark it as a version-4, RFC 4122 GUID so receivers that validate the format accept it.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
