using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Generator;

/// <summary>
/// Makes changes on a portal as a portal user would (through <see cref="BitrixWorld.CallAsUser"/>), so they are
/// queued for every app and cost no app's rate limit. It first creates <see cref="ChangeGeneratorOptions.Objects"/>
/// objects spread across the entities, then adds, updates and deletes in the configured mix, only ever touching
/// objects that exist. The population is kept between half and twice the configured size: an add beyond that
/// becomes an update, and so does a delete below it. One generator may be driven from several threads.
/// </summary>
public sealed class ChangeGenerator
{
    private readonly Lock _sync = new();
    private readonly Random _random;
    private readonly List<GeneratorEntity> _entities;
    private readonly List<(GeneratorEntity Entity, long Id)> _population = [];
    private bool _seeded;
    private int _serial;
    private int _changesMade;
    private int _adds;
    private int _updates;
    private int _deletes;

    public ChangeGenerator(BitrixWorld world, EmulatedPortal portal, ChangeGeneratorOptions options)
    {
        World = world;
        Portal = portal;
        Options = options;
        _entities = [.. options.Entities.Select(GeneratorEntity.Parse)];
        if (_entities.Count == 0)
        {
            throw new ArgumentException("At least one entity is needed.", nameof(options));
        }

        _entities.ForEach(e => e.CheckFor(portal));

        _random = new Random(options.Seed ?? world.NextRandom(int.MaxValue));
    }

    public BitrixWorld World { get; }

    public EmulatedPortal Portal { get; }

    public ChangeGeneratorOptions Options { get; }

    /// <summary>Changes made so far (the initial population is not counted).</summary>
    public int ChangesMade => Volatile.Read(ref _changesMade);

    public int Adds => Volatile.Read(ref _adds);

    public int Updates => Volatile.Read(ref _updates);

    public int Deletes => Volatile.Read(ref _deletes);

    /// <summary>The objects the generator currently works on.</summary>
    public int Population
    {
        get
        {
            lock (_sync)
            {
                return _population.Count;
            }
        }
    }

    /// <summary>Makes <paramref name="changes"/> changes at once, without pacing.</summary>
    public void Generate(int changes)
    {
        lock (_sync)
        {
            Seed();
            for (var i = 0; i < changes; i++)
            {
                Change();
            }
        }
    }

    /// <summary>
    /// Makes changes at <see cref="ChangeGeneratorOptions.ChangesPerSecond"/>, paced by the world's clock, until
    /// cancelled; then it completes quietly.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var rate = Options.ChangesPerSecond;
        var tick = TimeSpan.FromSeconds(rate > 0 ? Math.Clamp(1 / rate, 0.005, 1) : 1);
        var started = World.Time.GetTimestamp();
        long made = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = (long)(World.Time.GetElapsedTime(started).TotalSeconds * Math.Max(rate, 0)) - made;
            if (due > 0)
            {
                // At most a second's worth per tick, so a stalled process catches up without one huge burst.
                var now = (int)Math.Min(due, Math.Max(1, Math.Ceiling(rate)));
                Generate(now);
                made += now;
            }

            try
            {
                await Task.Delay(tick, World.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Seed()
    {
        if (_seeded)
        {
            return;
        }

        _seeded = true;
        for (var i = 0; _population.Count < Options.Objects; i++)
        {
            var entity = _entities[i % _entities.Count];
            _population.Add((entity, entity.Add(World, Portal, ++_serial, _random)));
        }
    }

    private void Change()
    {
        var draw = _random.NextDouble() * (Options.AddShare + Options.UpdateShare + Options.DeleteShare);
        var add = draw < Options.AddShare;
        var delete = !add && draw >= Options.AddShare + Options.UpdateShare;
        if ((add && _population.Count >= 2 * Math.Max(1, Options.Objects)) || (delete && _population.Count <= Options.Objects / 2))
        {
            (add, delete) = (false, false);
        }

        var target = add ? -1 : PickExisting();
        if (target < 0)
        {
            var entity = _entities[_random.Next(_entities.Count)];
            _population.Add((entity, entity.Add(World, Portal, ++_serial, _random)));
            Interlocked.Increment(ref _adds);
        }
        else if (delete)
        {
            var (entity, id) = _population[target];
            entity.Delete(World, Portal, id);
            _population.RemoveAt(target);
            Interlocked.Increment(ref _deletes);
        }
        else
        {
            var (entity, id) = _population[target];
            entity.Update(World, Portal, id, ++_serial, _random);
            Interlocked.Increment(ref _updates);
        }

        Interlocked.Increment(ref _changesMade);
    }

    /// <summary>
    /// A random object that still exists, or -1 when none is left. Objects removed by someone else are forgotten,
    /// so an update or delete never targets a missing one.
    /// </summary>
    private int PickExisting()
    {
        while (_population.Count > 0)
        {
            var index = _random.Next(_population.Count);
            var (entity, id) = _population[index];
            if (entity.Exists(Portal, id))
            {
                return index;
            }

            _population.RemoveAt(index);
        }

        return -1;
    }
}
