"""moto's server, plus empty answers for the listing calls moto 5.2.1 does not implement.

The integration tests and `npm run demo` audit an emulated account that has none of these
resources, so an empty listing is the true answer for it; without these stubs moto answers
HTTP 500 and the audit (correctly) fails closed, leaving nothing to demonstrate. Whole services
moto lacks (App Runner, MWAA, ...) are not stubbed: the callers skip them with skipSources,
which the report names.
"""
import sys

from moto.core.responses import ActionResult

# (module with the Response class, class name, action, empty result)
STUBS = [
    ("moto.ec2.responses", "EC2Response", "describe_client_vpn_endpoints", {"ClientVpnEndpoints": []}),
    ("moto.ec2.responses", "EC2Response", "describe_security_group_references", {"SecurityGroupReferenceSet": []}),
    ("moto.ec2.responses", "EC2Response", "describe_security_group_vpc_associations", {"SecurityGroupVpcAssociations": []}),
    ("moto.ec2.responses", "EC2Response", "describe_instance_connect_endpoints", {"InstanceConnectEndpoints": []}),
    ("moto.ec2.responses", "EC2Response", "describe_verified_access_endpoints", {"VerifiedAccessEndpoints": []}),
    ("moto.rds.responses", "RDSResponse", "describe_db_proxy_endpoints", {"DBProxyEndpoints": []}),
    ("moto.elasticache.responses", "ElastiCacheResponse", "describe_serverless_caches", {"ServerlessCaches": []}),
    ("moto.redshift.responses", "RedshiftResponse", "describe_endpoint_access", {"EndpointAccessList": []}),
    ("moto.emr.responses", "ElasticMapReduceResponse", "list_studios", {"Studios": []}),
    ("moto.sagemaker.responses", "SageMakerResponse", "list_user_profiles", {"UserProfiles": []}),
    ("moto.sagemaker.responses", "SageMakerResponse", "list_workforces", {"Workforces": []}),
    ("moto.sagemaker.responses", "SageMakerResponse", "list_monitoring_schedules", {"MonitoringScheduleSummaries": []}),
    ("moto.codebuild.responses", "CodeBuildResponse", "list_fleets", {"fleets": []}),
    ("moto.dms.responses", "DatabaseMigrationServiceResponse", "describe_replication_configs", {"ReplicationConfigs": []}),
    ("moto.dms.responses", "DatabaseMigrationServiceResponse", "describe_instance_profiles", {"InstanceProfiles": []}),
    ("moto.cloudtrail.responses", "CloudTrailResponse", "lookup_events", {"Events": []}),
    ("moto.opensearch.responses", "OpenSearchServiceResponse", "list_vpc_endpoints", {"VpcEndpointSummaryList": []}),
    ("moto.awslambda.responses", "LambdaResponse", "list_capacity_providers", {"CapacityProviders": []}),
    ("moto.ram.responses", "ResourceAccessManagerResponse", "list_resources", {"resources": []}),
    ("moto.ram.responses", "ResourceAccessManagerResponse", "list_principals", {"principals": []}),
]


def _install() -> None:
    import importlib

    for module_name, class_name, action, result in STUBS:
        cls = getattr(importlib.import_module(module_name), class_name)
        if action in cls.__dict__ or any(action in vars(base) for base in cls.__mro__):
            continue  # a newer moto implements it: keep the real one

        def stub(self, _result=result):  # noqa: ANN001
            return ActionResult(dict(_result))

        setattr(cls, action, stub)

    # Lambda routes by URL: give ListCapacityProviders (GET /2025-11-30/capacity-providers) a route.
    from moto.awslambda import urls as lambda_urls
    from moto.awslambda.responses import LambdaResponse

    lambda_urls.url_paths[r"{0}/(?P<api_version>[^/]+)/capacity-providers/?$"] = LambdaResponse.dispatch

    # OpenSearch (signing name "es") routes by URL too: give ListVpcEndpoints a route.
    from moto.es import urls as es_urls
    from moto.opensearch.responses import OpenSearchServiceResponse

    es_urls.url_paths["{0}/2021-01-01/opensearch/vpcEndpoints/?$"] = OpenSearchServiceResponse.dispatch

    # RAM routes by URL too: give ListResources and ListPrincipals routes.
    from moto.ram import urls as ram_urls
    from moto.ram.responses import ResourceAccessManagerResponse

    ram_urls.url_paths["{0}/listresources$"] = ResourceAccessManagerResponse.dispatch
    ram_urls.url_paths["{0}/listprincipals$"] = ResourceAccessManagerResponse.dispatch

    # ECS: DescribeCapacityProviders without names means "all of them"; moto requires names.
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.describe_capacity_providers

    def describe_capacity_providers(self, names):  # noqa: ANN001
        if not names:
            names = list(self.capacity_providers.keys())
        return original(self, names)

    EC2ContainerServiceBackend.describe_capacity_providers = describe_capacity_providers

    # RDS: DescribeOptionGroups without a name means "all of them"; moto wants a name and
    # treats an empty answer as OptionGroupNotFound.
    from moto.rds.models import RDSBackend

    original_option_groups = RDSBackend.describe_option_groups

    def describe_option_groups(self, kwargs):  # noqa: ANN001
        if not kwargs.get("option_group_name") and not kwargs.get("OptionGroupName"):
            return list(self.option_groups.values())
        return original_option_groups(self, kwargs)

    RDSBackend.describe_option_groups = describe_option_groups

    # Step Functions: moto keeps published versions (CreateStateMachine/UpdateStateMachine with
    # publish, DescribeStateMachine on a version ARN) but has no ListStateMachineVersions. List
    # them from the backend, newest first as AWS does, so a version's definition can be audited.
    from moto.stepfunctions.responses import StepFunctionResponse

    if "list_state_machine_versions" not in vars(StepFunctionResponse):

        def list_state_machine_versions(self):  # noqa: ANN001, ANN202
            machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
            versions = sorted(getattr(machine, "versions", {}).values(), key=lambda v: v.version, reverse=True)
            return ActionResult(
                {"stateMachineVersions": [{"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in versions]}
            )

        StepFunctionResponse.list_state_machine_versions = list_state_machine_versions

    _install_security_hub_workflow()


# Fields that BatchImportFindings cannot change once a finding exists (the customer's
# investigation fields: API reference, BatchImportFindings); BatchUpdateFindings changes them.
_CUSTOMER_FIELDS = ("Note", "UserDefinedFields", "VerificationState", "Workflow")


def _install_security_hub_workflow() -> None:
    """Security Hub as AWS documents it where moto 5.2.1 differs: a re-import keeps the
    customer's fields (moto overwrites them), a new finding starts with Workflow NEW and
    RecordState ACTIVE, and BatchUpdateFindings (PATCH /findings/batchupdate, absent in moto) sets
    Workflow and Note."""
    import json

    from moto.securityhub import urls as hub_urls
    from moto.securityhub.models import SecurityHubBackend
    from moto.securityhub.responses import SecurityHubResponse

    original_import = SecurityHubBackend.batch_import_findings

    def batch_import_findings(self, findings):  # noqa: ANN001, ANN202
        kept = {}
        for data in findings:
            existing = next((f for f in self.findings if f.id == data.get("Id")), None)
            if existing is not None:
                kept[existing.id] = {k: existing.data[k] for k in _CUSTOMER_FIELDS if k in existing.data}
        result = original_import(self, [{k: v for k, v in f.items() if k not in _CUSTOMER_FIELDS} for f in findings])
        for finding in self.findings:
            if finding.id in kept:
                finding.data.update(kept[finding.id])
            finding.data.setdefault("Workflow", {"Status": "NEW"})
            finding.data.setdefault("RecordState", "ACTIVE")
        return result

    SecurityHubBackend.batch_import_findings = batch_import_findings

    def batch_update_findings(self):  # noqa: ANN001, ANN202
        params = json.loads(self.body) if self.body else {}
        backend = self.securityhub_backend
        processed, unprocessed = [], []
        for ident in params.get("FindingIdentifiers", []):
            finding = next((f for f in backend.findings if f.id == ident.get("Id") and f.data.get("ProductArn") == ident.get("ProductArn")), None)
            if finding is None:
                unprocessed.append({"FindingIdentifier": ident, "ErrorCode": "FindingNotFound", "ErrorMessage": "Finding Not Found"})
                continue
            if "Workflow" in params:
                finding.data["Workflow"] = {"Status": params["Workflow"]["Status"]}
            if "Note" in params:
                finding.data["Note"] = {**params["Note"], "UpdatedAt": finding.data.get("UpdatedAt")}
            processed.append(ident)
        return json.dumps({"ProcessedFindings": processed, "UnprocessedFindings": unprocessed})

    SecurityHubResponse.batch_update_findings = batch_update_findings
    hub_urls.url_paths["{0}/findings/batchupdate$"] = SecurityHubResponse.dispatch


def _exit_with_parent() -> None:
    """Exit when stdin (a pipe from the process that started us) closes: that process is gone,
    however it ended (Ctrl-C, SIGTERM to npm, SIGKILL), and a moto left behind would hold the
    port and the emulated account."""
    import os
    import threading

    def watch() -> None:
        while sys.stdin.buffer.read(65536):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--exit-with-parent" in args:
        args.remove("--exit-with-parent")
        _exit_with_parent()
    _install()
    from moto.server import main

    main(args)
