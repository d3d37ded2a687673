"""政府信息公开工作年度报告 (条例第四十九条、第五十条): each body's yearly report in the national 2021
format (国办公开办函〔2021〕30号), computed from the platform's records, cases and reviews
(``selectors``), checked (``gongkai.rules.annual_report``), published and corrected through
``services``, and exported as JSON, XLSX, DOCX and HTML (``exports``)."""
