"""Completing results by plans compiled once per document, with graphql-core as the fallback.

graphql-core completes a result field by field (resolve info, resolver, completion, error
handling), which for the ~100 fields of a full invoice was a third of the gateway's CPU. Most
fields of this schema are plain data, so for each selection, once per document, a plan is
compiled that builds the response dictionary directly (`gateway.fastpath.plans`): for an object
the REST layer answered as a `Deferred`, a projection writes the selected keys of the
upstream's object straight into the response (`gateway.rest.projection`, from the selection
`gateway.fastpath.selections` derives); for any other object, attribute, serialize, recurse.
An object whose selection also has fields a plan cannot complete (a link's resolver, an
abstract type) is split: the plan completes the rest and graphql-core executes those fields.

A plan only ever handles the success path. At the first thing that needs graphql-core's
error handling (a value mapping flags as a problem, a null in a non-null field, a value a
scalar cannot serialize) it gives up and graphql-core completes that object from scratch,
which is safe because completing reads data and has no effects. Documents with directives are
never planned. `tests/unit/test_execution.py` and `tests/unit/test_projection.py` hold every
plan to graphql-core's own result.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, cast

from graphql import (
    DocumentNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    assert_valid_schema,
    default_field_resolver,
    default_type_resolver,
    is_leaf_type,
    is_object_type,
    visit,
)
from graphql.language import BREAK, Visitor

from gateway.document_cache import compiled_for
from gateway.fastpath.compat import (
    GraphQLResolveInfoHelpers,
    StrawberryGraphQLCoreExecutionContext,
)
from gateway.fastpath.plans import (
    Entry,
    Fallback,
    FieldDetailsList,
    Plan,
    Split,
    complete_leaf,
    complete_list,
    constant,
    object_plan,
    required,
    required_object,
)
from gateway.fastpath.selections import plain_field, selection
from gateway.fastpath.variables import prepared_operation
from gateway.rest.projection import projector


def _no_async_work(*_args: Any) -> Any:
    raise RuntimeError("This execution has finished; no more work can be scheduled on it.")


_DETACHED_HELPERS = GraphQLResolveInfoHelpers(gather=_no_async_work, track=_no_async_work)


class _FindDirective(Visitor):
    found = False

    def enter_directive(self, *_args: Any) -> object:
        self.found = True
        return BREAK


def _has_directives(node: OperationDefinitionNode | DocumentNode | Any) -> bool:
    finder = _FindDirective()
    visit(node, finder)
    return finder.found


class PlannedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, with variables coerced and object values completed by
    converters and plans compiled once per document.

    What is compiled is kept in the document's entry of the document cache (`compiled`),
    keyed by the identity of the nodes it was made for, which the entry keeps alive. A
    document the cache does not hold is completed by graphql-core alone.
    """

    compiled: dict[Hashable, Any] | None = None

    @classmethod
    def build(
        cls,
        schema: GraphQLSchema,
        document: DocumentNode,
        root_value: Any = None,
        context_value: Any = None,
        raw_variable_values: dict[str, Any] | None = None,
        operation_name: str | None = None,
        field_resolver: Any = None,
        type_resolver: Any = None,
        subscribe_field_resolver: Any = None,
        max_coercion_errors: int = 50,
        enable_early_execution: bool = False,
        middleware: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        # What graphql-core's `build` does, with the document's operation found once and the
        # variables coerced by a compiled coercer (gateway.fastpath.variables). Anything it does not
        # cover (several operations, fragment variables, a middleware list, variables that do
        # not coerce cleanly) goes through graphql-core's own `build`, errors and all.
        compiled = compiled_for(document)
        prepared = (
            None
            if compiled is None
            else prepared_operation(schema, document, operation_name, compiled)
        )
        if prepared is not None and not isinstance(middleware, (list, tuple)):
            variable_values = prepared.coerce(raw_variable_values or {})
            if variable_values is not None:
                assert_valid_schema(schema)
                context = cls(
                    schema,
                    dict(prepared.fragment_definitions),
                    dict(prepared.fragments),
                    root_value,
                    context_value,
                    prepared.operation,
                    variable_values,
                    field_resolver or default_field_resolver,
                    type_resolver or default_type_resolver,
                    subscribe_field_resolver or default_field_resolver,
                    enable_early_execution,
                    middleware,
                    *args,
                    **kwargs,
                )
                context.compiled = compiled
                return context
        built = super().build(
            schema,
            document,
            root_value,
            context_value,
            raw_variable_values,
            operation_name,
            field_resolver,
            type_resolver,
            subscribe_field_resolver,
            max_coercion_errors,
            enable_early_execution,
            middleware,
            *args,
            **kwargs,
        )
        if isinstance(built, PlannedExecutionContext):
            built.compiled = compiled
        return built

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        plan = self._plan(return_type, field_details_list)
        if isinstance(plan, Split):
            try:
                completed = plan.plan(result)
            except Fallback:
                pass
            else:
                rest = self.execute_fields(
                    return_type, result, path, plan.resolved, position_context
                )
                if self.is_awaitable(rest):
                    return plan.merged_later(completed, rest)
                return plan.merged(completed, cast("dict[str, Any]", rest))
        elif plan is not None:
            try:
                return plan(result)
            except Fallback:
                pass
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def build_response(self, data: dict[str, Any] | None) -> Any:
        result = super().build_response(data)
        # The executor refers to itself through `async_helpers` (bound methods of its own), so
        # each request's executor, with its context, session and variables, could only be
        # freed by the cycle collector: about 45 objects a request, 5% of the CPU under load.
        # The response is built; cutting the loop lets reference counting free it all now.
        self.async_helpers = _DETACHED_HELPERS
        return result

    def _plannable_document(self, compiled: dict[Hashable, Any]) -> bool:
        operation = self.operation
        key = ("directive-free", id(operation))
        plannable = compiled.get(key)
        if plannable is None:
            plannable = compiled[key] = not _has_directives(operation) and not any(
                _has_directives(fragment.definition) for fragment in self.fragments.values()
            )
        return bool(plannable)

    def _plan(
        self, return_type: GraphQLObjectType, fields: FieldDetailsList
    ) -> Plan | Split | None:
        compiled = self.compiled
        if compiled is None:
            return None
        key = ("plan", id(return_type), *(id(details.node) for details in fields))
        try:
            plan: Plan | Split | None = compiled[key]
        except KeyError:
            plannable = self._plannable_document(compiled)
            plan = compiled[key] = (
                self._compile_object(return_type, fields, split=True) if plannable else None
            )
        return plan

    def _compile_object(
        self, return_type: GraphQLObjectType, fields: FieldDetailsList, *, split: bool = False
    ) -> Any:
        """The plan completing `return_type`'s selection; with `split`, the fields a plan
        cannot complete (a resolver, arguments, an abstract type below) are left to
        graphql-core in a `Split`, where otherwise they make it `None`."""
        if return_type.is_type_of is not None:
            return None
        collected = self.collect_subfields(return_type, fields)
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            return None
        entries: list[Entry] = []
        planned: dict[str, FieldDetailsList] = {}
        resolved: dict[str, FieldDetailsList] = {}
        for response_key, group in collected.grouped_field_set.items():
            if any(d.defer_usage or d.fragment_variable_values for d in group):
                return None
            entry = self._compile_entry(return_type, response_key, group)
            if entry is None:
                if not split:
                    return None
                resolved[response_key] = group
                continue
            entries.append(entry)
            planned[response_key] = group
        selected = selection(return_type, planned, self.collect_subfields)
        project = None if selected is None else projector(selected)

        plan = object_plan(entries, project)

        if not resolved:
            return plan
        if not entries:
            return None
        order = tuple((key, key in planned) for key in collected.grouped_field_set)
        return Split(plan, resolved, order)

    def _compile_entry(
        self, return_type: GraphQLObjectType, response_key: str, group: FieldDetailsList
    ) -> Entry | None:
        name = group[0].node.name.value
        if name == "__typename":
            return (response_key, None, constant(return_type.name))
        found = plain_field(return_type, name)
        if found is None:
            return None
        field_def, field = found
        complete = self._compile_value(field_def.type, group)
        if complete is None:
            return None
        return (response_key, field.python_name, complete)

    def _compile_value(
        self, type_: GraphQLOutputType, fields: FieldDetailsList
    ) -> Callable[[Any], Any] | None:
        if isinstance(type_, GraphQLNonNull):
            if is_object_type(type_.of_type):
                assert isinstance(type_.of_type, GraphQLObjectType)
                plan = self._compile_object(type_.of_type, fields)
                return None if plan is None else required_object(plan)
            inner = self._compile_value(type_.of_type, fields)
            return None if inner is None else required(inner)
        if isinstance(type_, GraphQLList):
            item = self._compile_value(type_.of_type, fields)
            return None if item is None else complete_list(item)
        if is_leaf_type(type_):
            return lambda value, leaf=type_: complete_leaf(leaf, value)  # type: ignore[misc]
        if is_object_type(type_):
            assert isinstance(type_, GraphQLObjectType)
            sub = self._compile_object(type_, fields)
            if sub is None:
                return None
            return lambda value: None if value is None else sub(value)
        return None  # interfaces and unions: graphql-core resolves their runtime type


__all__ = ["PlannedExecutionContext"]
