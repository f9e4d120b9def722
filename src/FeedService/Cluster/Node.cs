namespace FeedService.Cluster;

/// <summary>What a node does: Web serves HTTP (feeds, pages, widget, authoring API, hub endpoint), Worker runs the jobs.</summary>
[Flags]
public enum NodeRoles
{
    Web = 1,
    Worker = 2,
}

/// <summary>
/// This instance: its roles (FeedService:Roles, "Web", "Worker" or "Web,Worker", the default) and its name
/// (FeedService:Cluster:NodeName, default host-pid), which logs, job runs and work claims carry.
/// </summary>
public sealed class Node(NodeRoles roles, string name)
{
    public const string RolesKey = "FeedService:Roles";
    public const string NameKey = "FeedService:Cluster:NodeName";

    public NodeRoles Roles { get; } = roles;
    public string Name { get; } = name;
    public bool IsWeb => Roles.HasFlag(NodeRoles.Web);
    public bool IsWorker => Roles.HasFlag(NodeRoles.Worker);

    /// <summary>Read before the services are built: the roles decide what is registered and mapped.</summary>
    public static Node From(IConfiguration configuration)
    {
        var text = configuration[RolesKey];
        var roles = NodeRoles.Web | NodeRoles.Worker;
        if (!string.IsNullOrWhiteSpace(text))
        {
            roles = 0;
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // Enum.TryParse alone would also take "3" or "Web, 7".
                if (!Enum.TryParse<NodeRoles>(part, ignoreCase: true, out var role) || !Enum.IsDefined(role) || part.All(char.IsAsciiDigit))
                    throw new InvalidOperationException($"{RolesKey} must be Web, Worker or Web,Worker; \"{text}\" names an unknown role \"{part}\".");
                roles |= role;
            }
            if (roles == 0) throw new InvalidOperationException($"{RolesKey} names no role; use Web, Worker or Web,Worker.");
        }
        var name = configuration[NameKey];
        if (string.IsNullOrWhiteSpace(name)) name = $"{Environment.MachineName}-{Environment.ProcessId}";
        return new Node(roles, name.Trim());
    }

    public override string ToString() => $"{Name} ({Roles})";
}
