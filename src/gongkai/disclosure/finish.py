"""WAGTAIL_FINISH_WORKFLOW_ACTION target. Wagtail imports it while its own models load, so this
module imports nothing at the top level and defers to the review service."""


def finish_review_workflow(workflow_state, user=None):
    from gongkai.disclosure.services.review import finish_review_workflow as publish_approved

    return publish_approved(workflow_state, user)
