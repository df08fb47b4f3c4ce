"use client";
import { useState } from "react";
import { Field, inputClass, SubmitRow } from "@/components/field";
import { useActionForm } from "@/components/use-action-form";
import type { AnaplanModel, ModelObjectKind } from "@/lib/anaplan/integration";
import type { HolderKind, PolicyChoices } from "@/lib/gateway/policies";
import type { AccessPolicy } from "@/lib/gateway/policy";
import type { ActionState } from "@/lib/server/actions";

const KIND_LABELS: Record<ModelObjectKind, string> = {
  exports: "Exports",
  imports: "Imports",
  processes: "Processes",
  actions: "Actions",
  files: "Files",
};
const BOX = "h-4 w-4 rounded border-slate-300 text-brand-600";

/** The key's limits: off (unrestricted), or models, one model's objects, read-only; each list narrows. */
export function PolicyForm(props: {
  action: (previous: ActionState, form: FormData) => Promise<ActionState>;
  kind: HolderKind;
  policy: AccessPolicy | null;
  choices: PolicyChoices;
  inspectBase: string;
}) {
  const { state, formAction, pending, ref, errors } = useActionForm(props.action);
  const [restricted, setRestricted] = useState(props.policy !== null);
  const policy = props.policy ?? { workspaces: [], models: [], readOnly: false, objects: [] };
  const listed = props.choices.ok ? props.choices : null;
  const listedObjects = new Set(
    Object.values(listed?.inspected?.objects ?? {}).flatMap((items) => items.map((o) => o.id)),
  );
  const listedModels = new Set(listed?.models.map((m) => m.id));
  return (
    <form ref={ref} action={formAction} className="flex flex-col gap-5 rounded-lg bg-white p-6 ring-1 ring-slate-200">
      <RestrictedBox kind={props.kind} restricted={props.policy !== null} onChange={setRestricted} />
      <fieldset disabled={!restricted} className="flex flex-col gap-5 disabled:opacity-50">
        {props.choices.ok ? null : (
          <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {props.choices.reason} You can still type the ids.
          </p>
        )}
        {listed ? <Models models={listed.models} policy={policy} inspectBase={props.inspectBase} /> : null}
        {listed?.inspected ? <Objects inspected={listed.inspected} policy={policy} /> : null}
        <div className="grid gap-4 sm:grid-cols-2">
          <IdsBox
            name="moreModels"
            label="More model ids"
            hint="32 hexadecimal characters each, separated by spaces or lines."
            errors={errors.moreModels}
            ids={policy.models.filter((id) => !listedModels.has(id))}
          />
          <IdsBox
            name="moreObjects"
            label="More import, export, process, action or file ids"
            hint="12 digits each, e.g. 116000000001. An export's id also allows the file it writes."
            errors={errors.moreObjects}
            ids={policy.objects.filter((id) => !listedObjects.has(id))}
          />
        </div>
        <label className="flex items-center gap-3 text-sm text-slate-900">
          <input type="checkbox" name="readOnly" defaultChecked={policy.readOnly} className={BOX} />
          Read-only: GET and HEAD calls only
        </label>
      </fieldset>
      {errors.restricted?.length ? <p className="text-sm text-red-700">{errors.restricted[0]}</p> : null}
      <SubmitRow pending={pending} label="Save the limits" pendingLabel="Saving…" state={state} />
    </form>
  );
}

/** Ids typed one a line (or spaced), for what Anaplan's lists did not show. */
function IdsBox(props: { name: string; label: string; hint: string; errors?: string[]; ids: string[] }) {
  return (
    <Field name={props.name} label={props.label} hint={props.hint} errors={props.errors}>
      {(a) => (
        <textarea
          {...a}
          rows={2}
          spellCheck={false}
          defaultValue={props.ids.join("\n")}
          className={`${inputClass} font-mono text-xs`}
        />
      )}
    </Field>
  );
}

/** What restricting means for each kind: neither ever holds an Anaplan token again. */
const RESTRICTED = {
  key: {
    label: "Restrict this key to the gateway",
    means:
      "It is then refused at POST /api/v1/token, and the Anaplan-compatible auth service hands it a token that works only at the gateway.",
  },
  workload: {
    label: "Restrict this workload to the gateway",
    means:
      "Its token exchange then hands out a token that works only at the gateway (Authorization: AnaplanAuthToken <token>), never at Anaplan.",
  },
} as const;

function RestrictedBox(props: { kind: HolderKind; restricted: boolean; onChange: (restricted: boolean) => void }) {
  return (
    <label className="flex items-start gap-3 text-sm text-slate-900">
      <input
        type="checkbox"
        name="restricted"
        defaultChecked={props.restricted}
        onChange={(e) => props.onChange(e.target.checked)}
        className={`${BOX} mt-0.5`}
      />
      <span>
        <span className="font-semibold">{RESTRICTED[props.kind].label}</span>
        <span className="block text-slate-600">
          {RESTRICTED[props.kind].means} Leave every list below empty to allow all calls, recorded.
        </span>
      </span>
    </label>
  );
}

function Models(props: { models: AnaplanModel[]; policy: AccessPolicy; inspectBase: string }) {
  const workspaces = [...new Map(props.models.map((m) => [m.workspaceId, m.workspaceName])).entries()];
  if (workspaces.length === 0) {
    return <p className="text-sm text-slate-600">The identity&apos;s account sees no models.</p>;
  }
  return (
    <fieldset className="flex flex-col gap-3">
      <legend className="text-sm font-semibold text-slate-900">Workspaces and models</legend>
      <p className="text-xs text-slate-500">
        As the identity&apos;s own account sees them. Choose a whole workspace, or models; none: any. Listing a
        model&apos;s objects reloads the page: save your choices first.
      </p>
      {workspaces.map(([workspaceId, workspaceName]) => (
        <div key={workspaceId} className="rounded-md p-3 ring-1 ring-slate-200">
          <label className="flex items-center gap-3 text-sm font-medium text-slate-900">
            <input
              type="checkbox"
              name={`workspace:${workspaceId}`}
              defaultChecked={props.policy.workspaces.includes(workspaceId)}
              className={BOX}
            />
            All of workspace {workspaceName}
          </label>
          <ul className="mt-2 flex flex-col gap-2 pl-7">
            {props.models
              .filter((m) => m.workspaceId === workspaceId)
              .map((m) => (
                <li key={m.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                  <label className="flex items-center gap-3 text-slate-900">
                    <input
                      type="checkbox"
                      name={`model:${m.id}`}
                      defaultChecked={props.policy.models.includes(m.id)}
                      className={BOX}
                    />
                    {m.name}
                  </label>
                  <code className="break-all text-xs text-slate-500">{m.id}</code>
                  <a href={`${props.inspectBase}${m.id}#objects`} className="text-xs text-brand-700 hover:underline">
                    List its exports, imports…
                  </a>
                </li>
              ))}
          </ul>
        </div>
      ))}
    </fieldset>
  );
}

function Objects(props: {
  inspected: AnaplanModel & { objects: Record<ModelObjectKind, { id: string; name: string }[]> };
  policy: AccessPolicy;
}) {
  return (
    <fieldset id="objects" className="flex flex-col gap-3 rounded-md p-3 ring-1 ring-slate-200">
      <legend className="px-1 text-sm font-semibold text-slate-900">What “{props.inspected.name}” may run</legend>
      <p className="text-xs text-slate-500">
        Chosen ones only; none: any. Reading the model&apos;s lists stays allowed.
      </p>
      <div className="grid gap-4 sm:grid-cols-2">
        {(Object.keys(KIND_LABELS) as ModelObjectKind[]).map((kind) => (
          <fieldset key={kind}>
            <legend className="text-xs font-semibold uppercase tracking-wide text-slate-500">
              {KIND_LABELS[kind]}
            </legend>
            {props.inspected.objects[kind].length === 0 ? (
              <p className="text-sm text-slate-500">None.</p>
            ) : (
              <ul className="mt-1 flex flex-col gap-1">
                {props.inspected.objects[kind].map((o) => (
                  <li key={o.id}>
                    <label className="flex items-center gap-3 text-sm text-slate-900">
                      <input
                        type="checkbox"
                        name={`object:${o.id}`}
                        defaultChecked={props.policy.objects.includes(o.id)}
                        className={BOX}
                      />
                      <span>
                        {o.name} <code className="text-xs text-slate-500">{o.id}</code>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </fieldset>
        ))}
      </div>
    </fieldset>
  );
}
