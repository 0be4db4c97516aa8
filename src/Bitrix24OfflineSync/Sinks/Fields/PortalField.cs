namespace Bitrix24OfflineSync.Sinks.Fields;

/// <summary>
/// One field of an entity as the portal's field list describes it (<c>crm.deal.fields</c>, <c>crm.item.fields</c>,
/// <c>crm.activity.fields</c>, <c>tasks.task.getFields</c>).
/// </summary>
/// <param name="Code">The field's name in the field list, and in writes: <c>UF_CRM_1712345678</c>, <c>stageId</c>.</param>
/// <param name="StateKey">The key the synced states carry it under (a task's states spell its codes in camelCase).</param>
/// <param name="Name">Its upper-case name (<c>STAGE_ID</c>; the universal API's <c>upperName</c>): views name columns by it.</param>
/// <param name="Type">The field list's type: <c>integer</c>, <c>double</c>, <c>money</c>, <c>crm_status</c>, <c>enumeration</c>, …</param>
/// <param name="Title">What the portal calls it: a user field's list label (or form label), else its title.</param>
/// <param name="Multiple">It holds a list of values.</param>
/// <param name="ReadOnly">The portal does not let it be written.</param>
/// <param name="Required">The portal requires it on a new object.</param>
/// <param name="StatusList">
/// For a <c>crm_status</c> field, the status list its values come from, without a category's number (<c>DEAL_STAGE</c>
/// for every pipeline's <c>DEAL_STAGE_n</c>); null for other fields.
/// </param>
internal sealed record PortalField(
    string Code,
    string StateKey,
    string Name,
    string Type,
    string Title,
    bool Multiple,
    bool ReadOnly,
    bool Required,
    string? StatusList = null);

/// <summary>The label of one value of a list field: a stage's or a status's name, a list item's value.</summary>
internal sealed record FieldLabel(string Code, string Value, string Label, int Sort);

/// <summary>An entity's fields as one read of the portal found them, with the labels of their values.</summary>
internal sealed record EntityFields(string Entity, IReadOnlyList<PortalField> Fields, IReadOnlyList<FieldLabel> Labels);

/// <summary>
/// A field as the portals that sync its entity have it, for the views: per entity and state key, one variant of
/// name, type, multiplicity and title, and how many portals have that variant.
/// </summary>
internal sealed record SharedField(string Entity, string StateKey, string Name, string Type, bool Multiple, string Title, int Portals);
